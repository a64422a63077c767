"""Project pages: the public list with totals, the project page and card,
officers' create and edit with the budget split, implementers' half-year
reports, and what a crafted POST cannot do."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from projects.models import HalfYearReport, Project, StatedTotal
from tests.core.pdf_tools import assert_accessible, read_pdf
from tests.directory.factories import OrganisationFactory
from tests.planning.factories import PlanFactory, PlanItemFactory

from .factories import CallFactory, ProgrammeFactory, ProjectFactory, irop
from .pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def _text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


@pytest.fixture
def projects(db):
    opz_call = CallFactory()
    irop_call = CallFactory(programme=irop(), number="14", published_label="14 IROP")
    return [
        ProjectFactory(call=opz_call, total_budget=Decimal("14964994.80")),
        ProjectFactory(call=opz_call, total_budget=Decimal("0.01")),
        ProjectFactory(call=irop_call, registration_number="CZ.06.04.02/00/22_014/0002527",
                       total_budget=Decimal("30969331.66")),
        ProjectFactory(call=opz_call, total_budget=Decimal("999.00"), is_published=False),
    ]


def test_the_public_list_shows_totals_computed_from_the_published_rows(client, projects):
    StatedTotal.objects.create(label="Celkem OPZ+", source="001 příloha A",
                               programme=projects[0].call.programme, initiative="KPSV+",
                               amount=Decimal("14964994.85"))
    text = _text(client.get(reverse("projects:list")))
    assert "14 964 994,81 Kč" in text  # OPZ+: 14 964 994,80 + 0,01 (the draft not counted)
    assert "30 969 331,66 Kč" in text
    assert "45 934 326,47 Kč" in text  # grand total
    assert "+0,04 Kč" in text  # stated 14 964 994,85 vs computed 14 964 994,81
    assert projects[3].registration_number not in text


def test_the_list_filters_and_totals_follow_the_filter(client, projects):
    url = reverse("projects:list")
    text = _text(client.get(url, {"programme": projects[2].call.programme.pk}))
    assert projects[2].registration_number in text
    assert projects[0].registration_number not in text
    assert "14 964 994,81" not in text


def test_csv_export_has_every_matching_row(client, projects):
    response = client.get(reverse("projects:list"), {"export": "csv"})
    body = response.content.decode("utf-8-sig")
    assert body.count("CZ.0") == 3


def test_the_totals_page_sums_per_programme_call_and_area(client, projects):
    text = _text(client.get(reverse("projects:project_totals")))
    assert "14 964 994,81 Kč" in text
    assert "45 934 326,47 Kč" in text


def test_the_dataset_holds_the_published_projects_with_exact_amounts(client, projects):
    payload = json.loads(client.get("/data/projects.json").content)
    rows = {r["registration_number"]: r for r in payload["rows"]}
    assert len(rows) == 3
    assert rows[projects[0].registration_number]["total_budget"] == "14964994.80"


def test_a_draft_project_is_hidden_from_the_public(client, projects, implementer_x):
    draft = projects[3]
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.implementer = implementer_x.implementer_organisation
    draft.save()
    client.force_login(implementer_x)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_the_project_page_shows_split_activities_and_measures(client, officer):
    from projects import services
    from projects.models import Call

    call = CallFactory()
    measure = PlanItemFactory.measure(plan=PlanFactory(code="psz", status="in_force"))
    project = services.project_create(
        actor=officer, registration_number="CZ.03.02.01/00/22_018/0000001", title="Karta",
        call=Call.objects.get(pk=call.pk), total_budget=Decimal("100.00"), is_published=True,
        measures=[measure], funding=[
            {"source": "city", "percent": Decimal("5"), "amount": Decimal("5.00")},
            {"source": "esf", "percent": Decimal("95"), "amount": Decimal("95.00")}])
    services.key_activity_create(actor=officer, project=project, code="KA1", title="Koordinace")
    text = _text(client.get(project.get_absolute_url()))
    assert "95,00 Kč" in text and "KA1 Koordinace" in text
    assert measure.title in text
    assert "Evropský sociální fond" in text


def test_the_card_pdf_has_the_registration_number_totals_and_eu_block(client, officer):
    from projects import services

    project = services.project_create(
        actor=officer, registration_number="CZ.03.02.01/00/22_018/0000002", title="Karta",
        call=CallFactory(), total_budget=Decimal("3648425.00"), is_published=True, funding=[
            {"source": "city", "percent": Decimal("5"), "amount": Decimal("182421.25")},
            {"source": "esf", "percent": Decimal("85"), "amount": Decimal("3101161.25")},
            {"source": "state", "percent": Decimal("10"), "amount": Decimal("364842.50")}])
    response = client.get(reverse("projects:project_card_pdf", args=[project.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "CZ.03.02.01/00/22_018/0000002" in text
    assert "3 648 425,00 Kč" in text
    assert "3 101 161,25 Kč" in text
    assert "Evropská unie" in text and "Evropský sociální fond" in text
    # Tagged PDF/UA (issue 15): title, language, bookmarks, headings and tables.
    facts = assert_accessible(read_pdf(response.content),
                              title="CZ.03.02.01/00/22_018/0000002 Karta")
    assert {"H1", "H2", "Table", "TH", "TD"} <= set(facts.struct)
    assert facts.outline[:2] == ["Karta", "Rozpočet projektu"]
    assert "3 648 425,00 Kč" in facts.text


def _create_post(call, **overrides):
    data = {
        "registration_number": "CZ.03.02.01/00/22_018/0001145", "title": "Domovníci",
        "call": call.pk, "status": "in_progress", "total_budget": "3648425.00",
        "is_published": "on",
        "funding-TOTAL_FORMS": "3", "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0", "funding-MAX_NUM_FORMS": "10",
        "funding-0-source": "city", "funding-0-percent": "5", "funding-0-amount": "182421.25",
        "funding-1-source": "esf", "funding-1-percent": "85", "funding-1-amount": "3101161.25",
        "funding-2-source": "state", "funding-2-percent": "10", "funding-2-amount": "364842.50",
    }
    data.update(overrides)
    return data


def test_an_officer_creates_a_project_with_its_split(client, officer):
    call = CallFactory()
    client.force_login(officer)
    response = client.post(reverse("projects:project_create"), _create_post(call))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.funding.count() == 3
    assert AuditEntry.objects.filter(actor=officer, content_type__model="project").exists()


def test_measures_are_picked_by_autocomplete_not_from_a_list_of_every_measure(client, officer):
    """Every plan's measures (of a region: thousands) are typed, not listed:
    the form names none; "plan: code" is taken, an unknown code is an error."""
    measure = PlanItemFactory.measure(PlanFactory(code="psz"))
    other = PlanItemFactory.measure(PlanFactory(code="kp"))
    client.force_login(officer)
    page = client.get(reverse("projects:project_create")).content.decode()
    assert "Opatření kp" not in page and 'name="measures_0__text"' in page
    refused = client.post(reverse("projects:project_create"), _create_post(
        CallFactory(), measures_0="", measures_0__text="psz: 9.9.9.9"))
    assert refused.status_code == 200 and "measures" in refused.context["form"].errors
    assert not Project.objects.exists()
    saved = client.post(reverse("projects:project_create"), _create_post(
        CallFactory(), measures_0="", measures_0__text=f"psz: {measure.code}"))
    assert saved.status_code == 302
    assert list(Project.objects.get().measures.all()) == [measure] != [other]


def test_a_split_that_does_not_add_up_is_refused_with_the_difference(client, officer):
    client.force_login(officer)
    response = client.post(reverse("projects:project_create"),
                           _create_post(CallFactory(), **{"funding-2-amount": "364842.40"}))
    assert response.status_code == 200
    text = _text(response)
    assert "-0,10 Kč" in text
    assert not Project.objects.exists()


def test_a_malformed_registration_number_is_refused_with_the_format(client, officer):
    client.force_login(officer)
    response = client.post(reverse("projects:project_create"),
                           _create_post(CallFactory(), registration_number="CZ.03/018/1145"))
    text = _text(response)
    assert "CZ.03.02.01/00/22_018/0001145" in text
    assert "Operační program Zaměstnanost plus" in text
    assert not Project.objects.exists()


def test_an_officer_edits_a_project_and_a_stale_edit_is_refused(client, officer):
    project = ProjectFactory(total_budget=Decimal("100.00"))
    client.force_login(officer)
    url = reverse("projects:project_update", args=[project.pk])
    data = _create_post(project.call, registration_number=project.registration_number,
                        total_budget="100.00", version="1",
                        **{"funding-TOTAL_FORMS": "0"})
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.title == "Domovníci" and project.version == 2
    response = client.post(url, {**data, "title": "Jiný"})
    assert response.status_code == 409


def _report_post(**overrides):
    return {"number": "1", "total": "6", "period_start": "2024-01-01",
            "period_end": "2024-06-30", "submitted_on": "2024-07-10",
            "narrative": "Realizace probíhá podle plánu.", **overrides}


def test_the_implementer_submits_a_report_for_its_own_project(client, implementer_x):
    measure = PlanItemFactory.measure(plan=PlanFactory(code="psz", status="in_force"))
    project = ProjectFactory(implementer=implementer_x.implementer_organisation,
                             measures=[measure], reports_total=6)
    client.force_login(implementer_x)
    url = reverse("projects:report_create", args=[project.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _report_post())
    assert response.status_code == 302
    report = HalfYearReport.objects.get()
    assert report.submitted_by == implementer_x
    measure.refresh_from_db()
    assert measure.reports_label == "1/6"
    assert client.get(reverse("projects:report_detail",
                              args=[project.pk, report.pk])).status_code == 200


def test_a_crafted_report_post_cannot_change_budget_or_status(client, implementer_x):
    project = ProjectFactory(implementer=implementer_x.implementer_organisation,
                             total_budget=Decimal("1000.00"), reports_total=6)
    client.force_login(implementer_x)
    client.post(reverse("projects:report_create", args=[project.pk]),
                _report_post(total_budget="1.00", status="withdrawn", is_published=""))
    project.refresh_from_db()
    assert project.total_budget == Decimal("1000.00")
    assert project.status == "in_progress" and project.is_published
    assert client.post(reverse("projects:project_update", args=[project.pk]),
                       _create_post(project.call, total_budget="1.00")).status_code == 403
    project.refresh_from_db()
    assert project.total_budget == Decimal("1000.00")


def test_another_organisations_project_refuses_the_report_form(client, implementer_x):
    project = ProjectFactory(implementer=OrganisationFactory())
    client.force_login(implementer_x)
    url = reverse("projects:report_create", args=[project.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _report_post()).status_code == 403
    assert not HalfYearReport.objects.exists()


def test_a_duplicate_report_number_is_refused_in_the_form(client, officer):
    project = ProjectFactory(reports_total=6)
    client.force_login(officer)
    url = reverse("projects:report_create", args=[project.pk])
    client.post(url, _report_post())
    response = client.post(url, _report_post())
    assert response.status_code == 200
    assert HalfYearReport.objects.count() == 1


def test_an_officer_adds_and_edits_a_key_activity(client, officer):
    project = ProjectFactory()
    client.force_login(officer)
    response = client.post(reverse("projects:key_activity_create", args=[project.pk]),
                           {"code": "KA1", "position": "1", "title": "Koordinace",
                            "period_start": "2017-11-01", "period_end": "2019-10-31"})
    assert response.status_code == 302
    activity = project.key_activities.get()
    response = client.post(reverse("projects:key_activity_update", args=[project.pk, activity.pk]),
                           {"code": "KA1", "position": "1", "title": "Koordinace", "done": "on",
                            "version": "1"})
    activity.refresh_from_db()
    assert activity.done
    assert ProgrammeFactory._meta.model.objects.count() == 1
