"""The autocomplete (core.autocomplete): the JSON endpoints answer only what the
user may see or choose, at most LIMIT rows, in Czech order; the field accepts
an id or the exact name and names the field in a Czech error otherwise; the
forms and the project list's filter render a text input, not every row."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.autocomplete import LIMIT, AutocompleteField
from directory.models import Organisation, Person
from projects.models import Project
from tests.directory.factories import OrganisationFactory, PersonFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _results(client, kind, q=""):
    response = client.get(reverse("core:autocomplete", args=[kind]), {"q": q})
    assert response.status_code == 200, response.content
    return [row["label"] for row in response.json()["results"]]


# --- The endpoints -----------------------------------------------------------------------


def test_people_are_for_those_who_name_people_in_forms(client, officer, manager_a,
                                                       member_a):
    PersonFactory(title_before="", given_name="Jana", family_name="Zábranská")
    url = reverse("core:autocomplete", args=["people"])
    assert client.get(url, {"q": "Záb"}).status_code == 302  # anonymous: to the login page
    client.force_login(member_a)
    assert client.get(url, {"q": "Záb"}).status_code == 403  # a member fills in no such form
    for user in (officer, manager_a):
        client.force_login(user)
        assert _results(client, "people", "Záb") == ["Jana Zábranská"]


def test_answers_are_limited_and_in_czech_order(client, officer):
    for name in ("Sova", "Šimek", "Hora", "Chalupa", "Irena", "Cyril", "Čapek"):
        PersonFactory(title_before="", given_name="Test", family_name=name)
    for i in range(LIMIT + 5):
        PersonFactory(given_name=f"Další{i}", family_name="Zzz")
    client.force_login(officer)
    assert _results(client, "people", "Test") == [
        "Test Cyril", "Test Čapek", "Test Hora", "Test Chalupa", "Test Irena", "Test Sova",
        "Test Šimek"]
    assert len(_results(client, "people", "Zzz")) == LIMIT


def test_implementers_only_of_projects_the_user_may_see(client, officer):
    published = OrganisationFactory(name="Veřejný realizátor")
    hidden = OrganisationFactory(name="Skrytý realizátor")
    ProjectFactory(implementer=published, is_published=True)
    ProjectFactory(implementer=hidden, is_published=False)
    OrganisationFactory(name="Bez projektu realizátor")
    assert _results(client, "implementers", "realizátor") == ["Veřejný realizátor"]
    client.force_login(officer)
    assert _results(client, "implementers", "realizátor") == [
        "Skrytý realizátor", "Veřejný realizátor"]


def test_projects_only_those_the_user_may_see(client, officer):
    ProjectFactory(title="Zveřejněný projekt", is_published=True)
    ProjectFactory(title="Rozpracovaný projekt", is_published=False)
    assert [label.split(" ", 1)[1] for label in _results(client, "projects", "projekt")] == [
        "Zveřejněný projekt"]
    client.force_login(officer)
    assert len(_results(client, "projects", "projekt")) == 2


def test_typing_too_fast_is_refused_and_nul_bytes_are_harmless(client, officer, monkeypatch):
    monkeypatch.setattr("core.autocomplete.THROTTLE", (3, 60))
    client.force_login(officer)
    url = reverse("core:autocomplete", args=["organisations"])
    answers = [client.get(url, {"q": "a\x00b"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_an_unknown_kind_is_404(client):
    assert client.get(reverse("core:autocomplete", args=["passwords"])).status_code == 404


# --- The field ---------------------------------------------------------------------------


class _Form(forms.Form):
    who = AutocompleteField("people", label="Zapsal", queryset=Person.objects.all(),
                            required=False)


def _clean(data):
    with translation.override("cs"):
        form = _Form(data)
        form.is_valid()
        return form


def test_the_field_accepts_an_id_or_the_exact_name():
    jana = PersonFactory(title_before="Mgr.", given_name="Jana", family_name="Nováková")
    assert _clean({"who": str(jana.pk)}).cleaned_data["who"] == jana
    assert _clean({"who": "", "who__text": "Mgr. Jana Nováková"}).cleaned_data["who"] == jana
    assert _clean({"who": "", "who__text": "jana nováková"}).cleaned_data["who"] == jana
    # The picked id, its label unchanged: no name lookup needed.
    assert _clean({"who": str(jana.pk), "who__text": "Mgr. Jana Nováková"}) \
        .cleaned_data["who"] == jana
    assert _clean({"who": str(jana.pk), "who__text": ""}).cleaned_data["who"] is None


def test_an_unknown_or_ambiguous_name_is_a_czech_error_naming_the_field():
    PersonFactory(title_before="", given_name="Petr", family_name="Dvořák", title_after="")
    PersonFactory(title_before="", given_name="Petr", family_name="Dvořák",
                  title_after="DiS.")
    jana = PersonFactory(given_name="Jana", family_name="Nováková")
    unknown = _clean({"who": str(jana.pk), "who__text": "Nikdo Neznámý"})
    assert unknown.errors["who"] == [
        "Zapsal: nic s názvem „Nikdo Neznámý“ nebylo nalezeno. Napište přesný název "
        "nebo vyberte z nabídky."]
    ambiguous = _clean({"who": "", "who__text": "Petr Dvořák"})
    assert ambiguous.errors["who"] == [
        "Zapsal: „Petr Dvořák“ odpovídá více záznamům. Napište jej přesněji nebo vyberte "
        "z nabídky."]
    assert _clean({"who": "999999999"}).errors["who"]


@pytest.mark.parametrize("typed", ["1¹", "²", "١٢"])  # digits to str.isdigit(), not ids
def test_digits_that_are_not_ascii_are_a_name_not_an_id(typed):
    PersonFactory(given_name="Jana", family_name="Nováková")
    assert _clean({"who": typed}).errors["who"] == [
        f"Zapsal: nic s názvem „{typed}“ nebylo nalezeno. Napište přesný název "
        "nebo vyberte z nabídky."]


def test_the_widget_shows_the_label_and_keeps_the_id():
    jana = PersonFactory(title_before="", given_name="Jana", family_name="Nováková")
    html = str(_Form(initial={"who": jana})["who"])
    assert f'name="who" value="{jana.pk}"' in html
    assert 'name="who__text" value="Jana Nováková"' in html
    assert f'data-autocomplete-url="{reverse("core:autocomplete", args=["people"])}"' in html
    assert "<option" not in html


# --- Where it is used --------------------------------------------------------------------


@pytest.mark.parametrize("url_name, args", [
    ("meetings:create", []),
    ("indicators:create", []),
    ("directory:group_create", []),
])
def test_heavy_forms_carry_no_list_of_people(client, officer, url_name, args):
    for i in range(30):
        PersonFactory(given_name=f"Osoba{i}", family_name="Početná")
    client.force_login(officer)
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Početná" not in html
    assert reverse("core:autocomplete", args=["people"]) in html


def test_the_project_list_filters_by_implementer_without_a_select(client):
    wanted = OrganisationFactory(name="Hledaná organizace")
    ProjectFactory(implementer=wanted, is_published=True, title="Hledaný projekt")
    other = OrganisationFactory(name="Jiná organizace")
    ProjectFactory(implementer=other, is_published=True, title="Jiný projekt")
    page = client.get(reverse("projects:list")).content.decode()
    assert "Jiná organizace</option>" not in page
    assert reverse("core:autocomplete", args=["implementers"]) in page
    by_id = client.get(reverse("projects:list"), {"implementer": wanted.pk})
    assert [p.title for p in by_id.context["table"].data] == ["Hledaný projekt"]
    # One query parameter, the filter's own (the page's cache key): an id or the name.
    by_name = client.get(reverse("projects:list"), {"implementer": "Hledaná organizace"})
    assert [p.title for p in by_name.context["table"].data] == ["Hledaný projekt"]
    assert 'name="implementer" value="Hledaná organizace"' in by_name.content.decode()
    assert "implementer__text" not in by_name.content.decode()
    unknown = client.get(reverse("projects:list"), {"implementer": "Nikdo"})
    assert unknown.status_code == 200
    assert "„Nikdo“" in unknown.content.decode()
    assert Project.objects.count() == 2 and Organisation.objects.count() >= 2


def _grow_directory(n):
    for i in range(n):
        organisation = OrganisationFactory(name=f"Rostoucí organizace {n}-{i}")
        PersonFactory(given_name=f"Rostoucí{n}", family_name=f"Osoba{i}",
                      organisation=organisation)
        ProjectFactory(implementer=organisation, title=f"Rostoucí projekt {n}-{i}")


def test_heavy_forms_cost_the_same_whatever_the_directory_size(client, officer, group_a):
    """The forms that listed every person, organisation and project as
    <option>s: the same queries and about the same size with 2 or 40 of each."""
    project = ProjectFactory()
    urls = [reverse("meetings:create"), reverse("indicators:create"),
            reverse("directory:group_create"),
            reverse("directory:membership_start", args=[group_a.code]),
            reverse("projects:project_update", args=[project.pk])]
    client.force_login(officer)

    def measure():
        found = {}
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            found[url] = (len(queries), len(response.content))
        return found

    _grow_directory(2)
    small = measure()
    _grow_directory(40)
    large = measure()
    for url in urls:
        assert large[url][0] == small[url][0], url
        assert large[url][1] - small[url][1] < 200, url


def test_the_minutes_list_filters_by_body_code_or_name_without_a_select(client, group_a,
                                                                        group_b):
    from tests.meetings.factories import MeetingFactory

    MeetingFactory.with_minutes(body=group_a, minutes_status="published")
    MeetingFactory.with_minutes(body=group_b, minutes_status="published")
    url = reverse("meetings:list")
    page = client.get(url).content.decode()
    assert f"{group_b.name}</option>" not in page
    assert reverse("core:autocomplete", args=["groups"]) in page
    for value in (group_a.code, group_a.name):
        response = client.get(url, {"body": value})
        assert {m.body for m in response.context["table"].data} == {group_a}, value
    assert "„Nikdo“" in client.get(url, {"body": "Nikdo"}).content.decode()


class _Several(forms.Form):
    from core.autocomplete import AutocompleteMultipleField

    organisations = AutocompleteMultipleField(
        "organisations", queryset=Organisation.objects.all(), label="Organizace", slots=3,
        required=False)


def test_several_rows_by_id_or_exact_name_each_once_in_order():
    first = OrganisationFactory(name="První spolek")
    second = OrganisationFactory(name="Druhý spolek")
    form = _Several({"organisations_0": str(second.pk), "organisations_1__text": "První spolek",
                     "organisations_2": str(second.pk)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organisations"] == [second, first]
    html = str(form["organisations"])
    assert html.count('data-autocomplete-url="/autocomplete/organisations/"') == 3
    assert 'aria-label="Organizace 1"' in html and 'aria-label="Organizace 3"' in html
    assert 'value="Druhý spolek"' in html  # a chosen row shows its name again


def test_several_rows_name_every_unknown_one_and_may_be_required():
    with translation.override("cs"):
        form = _Several({"organisations_0": "Nikdo", "organisations_2": "Taky nikdo"})
        assert not form.is_valid()
        assert [e.split(":")[0] for e in form.errors["organisations"]] == ["Organizace"] * 2
        assert "„Taky nikdo“" in form.errors["organisations"][1]
        required = _Several({})
        required.fields["organisations"].required = True
        assert not required.is_valid() and required.errors["organisations"]
    empty = _Several({})
    assert empty.is_valid() and empty.cleaned_data["organisations"] == []
