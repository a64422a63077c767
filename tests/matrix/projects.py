"""Projects (projects/views.py).

A published project is public. A project not yet published answers 404 to
those who may not see it (officers and its implementer's users see it).
Officers create and edit; the implementer organisation's users submit the
half-year reports of their own projects only (another organisation's → 403).
"""

from decimal import Decimal

from . import ROLES, everyone, officers_only


def _own_draft_visible():
    """A draft of organisation X: officers and X's implementer see it."""
    return {role: 200 if role in ("administrator", "city_officer", "implementer_x") else 404
            for role in ROLES}


def _draft_hidden():
    return {role: 200 if role in ("administrator", "city_officer") else 404 for role in ROLES}


def _report_form(own):
    expected = {**officers_only()}
    if own:
        expected["implementer_x"] = 200
    return expected


def _officers_on_draft():
    """Edit pages of a draft: 404 for those who may not see it... but the
    edit rule is checked first, so signed-in non-officers get 403 and
    anonymous visitors go to log in."""
    return officers_only()


def extend_world(world):
    from tests.directory.factories import OrganisationFactory
    from tests.projects.factories import CallFactory, ProjectFactory

    call = CallFactory()
    own = ProjectFactory(call=call, implementer=world["org_x"],
                         measures=[world["measure_published"]], reports_total=6)
    other = ProjectFactory(call=call, implementer=OrganisationFactory(),
                           total_budget=Decimal("5.00"))
    own_draft = ProjectFactory(call=call, implementer=world["org_x"], is_published=False)
    other_draft = ProjectFactory(call=call, implementer=OrganisationFactory(),
                                 is_published=False)
    from projects.models import HalfYearReport, KeyActivity

    activity = KeyActivity.objects.create(project=own, code="KA1", title="Koordinace")
    report = HalfYearReport.objects.create(
        project=own, number=1, total=6, period_start="2024-01-01", period_end="2024-06-30",
        submitted_on="2024-07-10", narrative="Zpráva")
    draft_report = HalfYearReport.objects.create(
        project=other_draft, number=1, total=2, period_start="2024-01-01",
        period_end="2024-06-30", submitted_on="2024-07-10", narrative="Zpráva")
    return {"project_own": own, "project_other": other, "project_own_draft": own_draft,
            "project_other_draft": other_draft, "key_activity": activity,
            "project_report": report, "project_draft_report": draft_report}


def _pk(key):
    return lambda w: [w[key].pk]


def _report_draft_form():
    # Hidden project: 404 for whoever may not see it, before the role check.
    return {**_draft_hidden()}


MATRIX = {
    "projects:list": [("", lambda w: [], everyone())],
    "projects:project_totals": [("", lambda w: [], everyone())],
    "projects:project_create": [("", lambda w: [], officers_only())],
    # Programmes and calls: officers only (issue 15).
    "projects:programme_list": [("", lambda w: [], officers_only())],
    "projects:programme_create": [("", lambda w: [], officers_only())],
    "projects:programme_update": [
        ("", lambda w: [w["project_own"].call.programme_id], officers_only()),
        ("unknown", lambda w: [999999], {**officers_only(), "administrator": 404,
                                         "city_officer": 404}),
    ],
    "projects:call_create": [("", lambda w: [], officers_only())],
    "projects:call_update": [
        ("", lambda w: [w["project_own"].call_id], officers_only()),
    ],
    "projects:project_detail": [
        ("own", _pk("project_own"), everyone()),
        ("other", _pk("project_other"), everyone()),
        ("own draft", _pk("project_own_draft"), _own_draft_visible()),
        ("other draft", _pk("project_other_draft"), _draft_hidden()),
        ("unknown", lambda w: [999999], everyone(404)),
    ],
    "projects:project_card_pdf": [
        ("published", _pk("project_other"), everyone()),
        ("own draft", _pk("project_own_draft"), _own_draft_visible()),
        ("other draft", _pk("project_other_draft"), _draft_hidden()),
    ],
    "projects:project_update": [
        ("published", _pk("project_own"), officers_only()),
        ("draft", _pk("project_other_draft"), _officers_on_draft()),
    ],
    "projects:key_activity_create": [
        ("published", _pk("project_own"), officers_only()),
    ],
    "projects:key_activity_update": [
        ("published", lambda w: [w["project_own"].pk, w["key_activity"].pk], officers_only()),
        # The activity is looked up within its project first: 404 for everyone.
        ("wrong project", lambda w: [w["project_other"].pk, w["key_activity"].pk],
         everyone(404)),
    ],
    "projects:report_create": [
        ("own", _pk("project_own"), _report_form(own=True)),
        ("other", _pk("project_other"), _report_form(own=False)),
        ("own draft", _pk("project_own_draft"), _report_form(own=True)
         | {"anonymous": 404, "no_role": 404, "manager_a": 404, "contact_a": 404,
            "member_a": 404}),
        ("other draft", _pk("project_other_draft"), _report_draft_form()),
    ],
    # The actual values of the project's own indicators: like the half-year reports.
    "projects:project_actuals": [
        ("own", _pk("project_own"), _report_form(own=True)),
        ("other", _pk("project_other"), _report_form(own=False)),
        ("own draft", _pk("project_own_draft"), _report_form(own=True)
         | {"anonymous": 404, "no_role": 404, "manager_a": 404, "contact_a": 404,
            "member_a": 404}),
        ("other draft", _pk("project_other_draft"), _report_draft_form()),
    ],
    "projects:report_detail": [
        ("published", lambda w: [w["project_own"].pk, w["project_report"].pk], everyone()),
        ("draft", lambda w: [w["project_other_draft"].pk, w["project_draft_report"].pk],
         _draft_hidden()),
        ("wrong project", lambda w: [w["project_other"].pk, w["project_report"].pk],
         everyone(404)),
    ],
}
