"""A project's budget split of three or more sources is entered in one save
(issue 15): the form renders room for several rows, the rows are checked
together against the total (never row by row), and each problem is a Czech
error naming its row and field; nothing is saved while one remains."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import FundingSource, Project

from .factories import CallFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SPLIT = [("city", "5", "182421.25"), ("esf", "85", "3101161.25"), ("state", "10", "364842.50")]


def _text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def _rendered_management(response):
    """The formset's management form as the page renders it."""
    html = response.content.decode()
    return {name: value for name, value in re.findall(
        r'name="(funding-[A-Z_]+)" value="(\d+)"', html)}


def _rendered_rows(response):
    html = response.content.decode()
    return sorted({int(n) for n in re.findall(r'name="funding-(\d+)-amount"', html)})


def _as_a_browser_posts(response):
    """Every rendered row as a browser sends it untouched: each select its
    selected (else first) option, each text input its value."""
    html = response.content.decode()
    data = {}
    for name, body in re.findall(r'<select name="(funding-\d+-\w+)"[^>]*>(.*?)</select>', html,
                                 re.S):
        options = re.findall(r'<option value="([^"]*)"( selected)?', body)
        chosen = [value for value, selected in options if selected]
        data[name] = chosen[0] if chosen else options[0][0]
    for tag in re.findall(r'<input[^>]*name="funding-\d+-\w+"[^>]*>', html):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' not in tag:
            data[name] = value.group(1) if value else ""
    return data


def _project_post(call, total="3648425.00", **extra):
    return {"registration_number": "CZ.03.02.01/00/22_018/0001145", "title": "Domovníci",
            "call": call.pk, "status": "in_progress", "total_budget": total,
            "is_published": "on", **extra}


def _rows(split, start=0):
    data = {}
    for index, (source, percent, amount) in enumerate(split, start=start):
        data.update({f"funding-{index}-source": source, f"funding-{index}-percent": percent,
                     f"funding-{index}-amount": amount})
    return data


def test_a_three_source_split_is_entered_in_the_rendered_create_form(client, officer):
    call = CallFactory()
    client.force_login(officer)
    url = reverse("projects:project_create")
    page = client.get(url)
    assert len(_rendered_rows(page)) >= 3
    data = {**_as_a_browser_posts(page), **_rendered_management(page), **_project_post(call),
            **_rows(SPLIT)}

    response = client.post(url, data)

    assert response.status_code == 302
    project = Project.objects.get()
    assert [(f.source, f.amount) for f in project.funding.all()] == [
        ("city", Decimal("182421.25")), ("esf", Decimal("3101161.25")),
        ("state", Decimal("364842.50"))]


def test_a_two_source_split_becomes_three_in_one_edit(client, officer):
    project = ProjectFactory(total_budget=Decimal("1000.00"))
    FundingSource.objects.create(project=project, position=0, source="esf",
                                 percent=Decimal("90"), amount=Decimal("900.00"))
    FundingSource.objects.create(project=project, position=1, source="city",
                                 percent=Decimal("10"), amount=Decimal("100.00"))
    client.force_login(officer)
    url = reverse("projects:project_update", args=[project.pk])
    page = client.get(url)
    assert len(_rendered_rows(page)) >= 3
    data = {**_as_a_browser_posts(page), **_rendered_management(page),
            **_project_post(project.call, total="1000.00",
                            registration_number=project.registration_number),
            "version": str(project.version),
            **_rows([("esf", "85", "850.00"), ("city", "5", "50.00"),
                     ("state", "10", "100.00")])}

    response = client.post(url, data)

    assert response.status_code == 302, _text(response)
    assert sorted(FundingSource.objects.filter(project=project)
                  .values_list("source", "amount")) == [
        ("city", Decimal("50.00")), ("esf", Decimal("850.00")), ("state", Decimal("100.00"))]


def test_each_problem_names_its_row_and_field_in_czech_and_nothing_is_saved(client, officer):
    client.force_login(officer)
    url = reverse("projects:project_create")
    page = client.get(url)
    wrong = [("city", "5", "182421.25"), ("esf", "85", "3101161.25"), ("state", "10", "364842.40")]
    data = {**_rendered_management(page), **_project_post(CallFactory()), **_rows(wrong)}

    response = client.post(url, data)

    assert response.status_code == 200
    text = _text(response)
    # the row's field, named in the summary with the row's number, and the difference
    assert "Zdroj financování 3, Částka (Kč): 10 % z 3 648 425,00 Kč je 364 842,50 Kč" in text
    assert "rozdíl -0,10 Kč" in text
    # the whole split's sum, once, as the formset's own error
    assert "Zdroje financování dávají dohromady 3 648 424,90 Kč" in text
    assert not Project.objects.exists()
    assert not FundingSource.objects.exists()


def test_a_source_listed_twice_names_the_second_row(client, officer):
    client.force_login(officer)
    url = reverse("projects:project_create")
    page = client.get(url)
    twice = [("esf", "50", "1824212.50"), ("esf", "50", "1824212.50")]
    data = {**_rendered_management(page), **_project_post(CallFactory()), **_rows(twice)}

    response = client.post(url, data)

    assert "Zdroj financování 2, Zdroj: Zdroj je uveden dvakrát." in _text(response)
    assert not Project.objects.exists()


def test_the_service_names_row_and_field_too(officer):
    from django.core.exceptions import ValidationError

    from projects import services

    with pytest.raises(ValidationError) as raised:
        services.validate_funding(Decimal("100.00"), [
            {"source": "esf", "percent": Decimal("90"), "amount": Decimal("90.00")},
            {"source": "city", "percent": Decimal("10"), "amount": "x"}])
    messages = raised.value.message_dict["funding"]
    assert any(m.startswith("Funding source 2, amount:") or
               m.startswith("Zdroj financování 2, částka:") for m in messages)
