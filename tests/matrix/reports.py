"""Report pages (reports/urls.py): the archive and published files are
public; an unpublished report answers 404 to all but officers; everything
else is for officers."""

from tests.reports.factories import (
    EvaluationTextFactory,
    GlossaryTermFactory,
    ReportJobFactory,
    ReportScheduleFactory,
)

from . import everyone, officers_only


def extend_world(world):
    plan = world["plan_published"]
    return {
        "report_published": ReportJobFactory.finished(plan=plan, published=True),
        "report_unpublished": ReportJobFactory.finished(plan=plan),
        "report_schedule": ReportScheduleFactory(plan=plan),
        "report_term": GlossaryTermFactory(),
        "report_text": EvaluationTextFactory(plan=plan),
    }


def _hidden():
    return {**everyone(404), "administrator": 200, "city_officer": 200}


def _post_only():
    return {**officers_only(), "administrator": 405, "city_officer": 405}


def _pk(key):
    return lambda w: [w[key].pk]


MATRIX = {
    "reports:list": [("", lambda w: [], everyone())],
    "reports:download": [
        ("published", _pk("report_published"), everyone()),
        ("unpublished", _pk("report_unpublished"), _hidden()),
    ],
    "reports:plan_tables_xlsx": [
        ("published plan", lambda w: [w["plan_published"].code], everyone()),
        ("draft plan", lambda w: [w["plan_draft"].code],
         {**everyone(404), "administrator": 200, "city_officer": 200, "manager_a": 200,
          "contact_a": 200, "member_a": 200}),
    ],
    "reports:manage": [("", lambda w: [], officers_only())],
    "reports:job_detail": [("", _pk("report_unpublished"), officers_only())],
    "reports:job_progress": [("", _pk("report_unpublished"), officers_only())],
    "reports:job_publish": [("", _pk("report_unpublished"), _post_only())],
    "reports:job_withdraw": [("", _pk("report_published"), _post_only())],
    "reports:job_rerender": [("", _pk("report_published"), _post_only())],
    "reports:schedule_create": [("", lambda w: [], officers_only())],
    "reports:schedule_update": [("", _pk("report_schedule"), officers_only())],
    "reports:schedule_delete": [("", _pk("report_schedule"), _post_only())],
    "reports:glossary": [("", lambda w: [], officers_only())],
    "reports:glossary_create": [("", lambda w: [], officers_only())],
    "reports:glossary_update": [("", _pk("report_term"), officers_only())],
    "reports:glossary_delete": [("", _pk("report_term"), _post_only())],
    "reports:plan_texts": [("", lambda w: [w["plan_published"].code], officers_only())],
    "reports:text_create": [("", lambda w: [], officers_only())],
    "reports:text_update": [("", _pk("report_text"), officers_only())],
}
