from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import AuditEntry
from projects import services
from projects.models import FundingSource, HalfYearReport, Project
from tests.planning.factories import PlanFactory, PlanItemFactory

from .factories import CallFactory, ProjectFactory

pytestmark = pytest.mark.django_db

ESF_SPLIT = [
    {"source": "city", "label": "Město", "percent": Decimal("5"), "amount": Decimal("182421.25")},
    {"source": "esf", "label": "ESF", "percent": Decimal("85"), "amount": Decimal("3101161.25")},
    {"source": "state", "label": "SR", "percent": Decimal("10"), "amount": Decimal("364842.50")},
]


@pytest.fixture(autouse=True)
def czech():
    with translation.override("cs"):
        yield


def _create(officer, **overrides):
    data = {"registration_number": "CZ.03.02.01/00/22_018/0001145", "title": "Domovníci",
            "call": CallFactory(), "total_budget": Decimal("3648425.00"),
            "funding": ESF_SPLIT, **overrides}
    return services.project_create(actor=officer, **data)


def test_a_split_that_adds_up_is_saved_and_audited(officer):
    project = _create(officer)
    assert [(f.source, f.amount) for f in project.funding.all()] == [
        ("city", Decimal("182421.25")), ("esf", Decimal("3101161.25")),
        ("state", Decimal("364842.50"))]
    entry = AuditEntry.objects.get(object_id=str(project.pk), action="create",
                                   content_type__model="project")
    assert entry.actor == officer
    assert entry.snapshot["funding"][1] == ["esf", "ESF", "85", "3101161.25"]


def test_a_split_one_haler_short_is_refused_naming_the_difference(officer):
    split = [dict(r) for r in ESF_SPLIT]
    split[2]["amount"] = Decimal("364842.49")
    with pytest.raises(ValidationError) as error:
        _create(officer, funding=split)
    message = " ".join(error.value.message_dict["funding"]).replace("\xa0", " ")
    assert "3 648 424,99" in message
    assert "-0,01 Kč" in message
    assert not Project.objects.exists()
    assert not FundingSource.objects.exists()


def test_shares_must_add_up_to_a_hundred(officer):
    split = [dict(r) for r in ESF_SPLIT]
    split[0]["percent"] = Decimal("6")
    with pytest.raises(ValidationError) as error:
        _create(officer, funding=split)
    assert any("101\xa0%" in m for m in error.value.message_dict["funding"]), error.value


def test_an_amount_that_is_not_its_share_is_refused(officer):
    split = [dict(r) for r in ESF_SPLIT]
    split[0]["amount"], split[1]["amount"] = Decimal("182421.35"), Decimal("3101161.15")
    with pytest.raises(ValidationError) as error:
        _create(officer, funding=split)
    assert any("182\xa0421,35" in m for m in error.value.message_dict["funding"])


def test_no_split_is_allowed_when_the_source_publishes_none(officer):
    project = _create(officer, funding=[])
    assert project.funding.count() == 0


def test_a_malformed_registration_number_is_refused_with_the_format(officer):
    with pytest.raises(ValidationError) as error:
        _create(officer, registration_number="CZ.03.02.01/00/22-018/1145")
    message = error.value.message_dict["registration_number"][0]
    assert "Operační program Zaměstnanost plus" in message
    assert "CZ.03.02.01/00/22_018/0001145" in message


def test_the_registration_number_must_name_the_projects_call(officer):
    with pytest.raises(ValidationError) as error:
        _create(officer, registration_number="CZ.03.02.01/00/22_019/0001145")
    assert "019" in error.value.message_dict["registration_number"][0]


def test_update_of_the_split_is_audited_and_checked(officer):
    project = _create(officer)
    split = [dict(r) for r in ESF_SPLIT]
    with pytest.raises(ValidationError):
        services.project_update(actor=officer, project=project,
                                total_budget=Decimal("3648425.01"))
    split[0]["label"] = "Rozpočet města"
    project = services.project_update(actor=officer, project=project, funding=split,
                                      expected_version=1)
    assert project.version == 2
    entry = AuditEntry.objects.filter(object_id=str(project.pk), action="update").get()
    assert entry.changes["funding"][1][0][1] == "Rozpočet města"


def test_the_thematic_area_comes_from_the_first_measure(officer):
    measure = PlanItemFactory.measure(plan=PlanFactory(code="p", status="in_force"))
    project = _create(officer, measures=[measure])
    assert project.thematic_area == measure.parent.parent.parent


def test_only_measures_can_be_linked(officer):
    measure = PlanItemFactory.measure(plan=PlanFactory(code="p", status="in_force"))
    with pytest.raises(ValidationError):
        _create(officer, measures=[measure.parent])


def _report(actor, project, number, total=6):
    return services.half_year_report_submit(
        actor=actor, project=project, number=number, total=total,
        period_start=date(2024, 1, 1), period_end=date(2024, 6, 30),
        submitted_on=date(2024, 7, 15), narrative="Realizace probíhá.")


def _approved(implementer, officer, project, number):
    """An implementer's report counts once a city officer approves it."""
    report = _report(implementer, project, number)
    assert report.review_state == "submitted"
    return services.half_year_report_approve(actor=officer, report=report)


def test_a_report_moves_the_measures_reports_on_through_an_audited_service(implementer_x,
                                                                           officer):
    measure = PlanItemFactory.measure(plan=PlanFactory(code="p", status="in_force"))
    measure.reports_done, measure.reports_total = None, None
    measure.save()
    project = ProjectFactory(implementer=implementer_x.implementer_organisation,
                             measures=[measure], reports_total=6)
    _approved(implementer_x, officer, project, 1)
    _approved(implementer_x, officer, project, 2)
    measure.refresh_from_db()
    assert (measure.reports_done, measure.reports_total) == (2, 6)
    assert measure.reports_label == "2/6"
    entries = AuditEntry.objects.filter(content_type__model="planitem", object_id=str(measure.pk),
                                        action="update")
    assert entries.count() == 2
    assert all(e.actor == officer for e in entries)  # the approval moves them on
    assert "2/6" in entries.first().message


def test_a_report_number_is_used_once_and_within_the_total(officer):
    project = ProjectFactory(reports_total=6)
    _report(officer, project, 1)
    with pytest.raises(ValidationError) as error:
        _report(officer, project, 1)
    assert "number" in error.value.message_dict
    with pytest.raises(ValidationError):
        _report(officer, project, 2, total=5)
    assert HalfYearReport.objects.count() == 1


def test_the_first_report_sets_the_planned_number_of_reports(officer):
    project = ProjectFactory(reports_total=None)
    _report(officer, project, 1, total=4)
    project.refresh_from_db()
    assert project.reports_total == 4


def test_n_of_n_is_the_latest_report_and_replaces_the_published_count(implementer_x, officer):
    """#15: a measure published "V realizaci (1/6)" whose project then submits
    report 3 reads "V realizaci (3/6)", not "(1/6) (1/6)" or "(1/6) (2/6)":
    n is the number of the latest report, not the number of report rows."""
    from planning.models import MeasureStatus
    from planning.views.public import status_badge

    measure = PlanItemFactory.measure(plan=PlanFactory(code="p", status="in_force"))
    measure.status, measure.status_text = MeasureStatus.IN_PROGRESS, "V realizaci (1/6)"
    measure.reports_done, measure.reports_total = 1, 6
    measure.save()
    project = ProjectFactory(implementer=implementer_x.implementer_organisation,
                             measures=[measure], reports_total=6)
    _approved(implementer_x, officer, project, 3)
    measure.refresh_from_db()
    assert (measure.reports_done, measure.reports_total) == (3, 6)
    assert status_badge(measure) == "V realizaci (3/6)"
    _approved(implementer_x, officer, project, 2)  # filed late: the latest source is still report 3
    measure.refresh_from_db()
    assert measure.reports_done == 3
    assert status_badge(measure) == "V realizaci (3/6)"
