"""`manage.py seed_demo`: the demo data from the seed documents, loaded
idempotently through the audited services."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from accounts.permissions import Role, roles_of
from core.models import AuditEntry
from directory.models import (
    BodyKind,
    City,
    Membership,
    MembershipPosition,
    Organisation,
    OrganisationKind,
    Person,
    SupportArea,
    WorkingGroup,
)
from directory.seed import DEMO_PASSWORD, read_seed_data
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db

SOURCE_DAR = "Zápis PS DaR 16. 1. 2025, bod 4"
CHANGE_DAY = date(2025, 1, 16)


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", "--with-accounts", *args, stdout=out)
    return out.getvalue()


def _seed_once():
    """seed()'s rows and output, loaded once per session (tests/shared_db.py)."""
    return seed_demo(*DEMO)


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def versions():
    return {
        model._meta.label: sorted(model.objects.values_list("pk", "version"))
        for model in apps.get_models()
        if any(f.name == "version" for f in model._meta.fields)
    }


# seed_demo's output; the demo is loaded once for the module (tests/shared_db.py).
_seeded_once = module_rows(_seed_once)


@pytest.fixture
def seeded(_seeded_once, db):
    return _seeded_once


def person(family_name, **kwargs):
    return Person.objects.get(family_name=family_name, **kwargs)


# --- idempotency -------------------------------------------------------------

def test_second_run_changes_no_table(seeded):
    counts, before_versions = row_counts(), versions()
    passwords = dict(User.objects.values_list("username", "password"))
    audit = AuditEntry.objects.count()

    output = seed()

    assert row_counts() == counts
    assert versions() == before_versions
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert AuditEntry.objects.count() == audit
    assert "Nothing changed" in output
    assert "created" not in output and "updated" not in output
    assert "core.AuditEntry: written 0" in output


def test_first_run_writes_the_audit_trail_and_a_summary(seeded):
    assert "directory.Organisation: created" in seeded
    assert "Demo data loaded." in seeded
    dar = WorkingGroup.objects.get(code="DaR")
    institut = Organisation.objects.get(name="Institut prevence")
    seats = Membership.objects.filter(body=dar, organisation=institut)
    for seat in seats:
        assert AuditEntry.objects.filter(object_id=str(seat.pk), action="create").exists()
    ended = seats.get(valid_to__isnull=False)
    assert AuditEntry.objects.filter(
        object_id=str(ended.pk), action="update", changes__valid_to=[None, "2025-01-16"]
    ).exists()


def test_an_edit_made_after_seeding_is_kept_and_reported(seeded):
    org = Organisation.objects.get(name="Renarkon, o.p.s.")
    org.address = "Upraveno úředníkem"
    org.save()

    output = seed()

    org.refresh_from_db()
    assert org.address == "Upraveno úředníkem"
    assert "Renarkon, o.p.s." in output and "differs from the seed" in output
    assert "Nothing changed" in output


# The whole demo in a dry run and without accounts: several seconds each, so
# `slow` (make test); the same rules on the directory alone run in make test-fast.
@pytest.mark.slow
def test_dry_run_leaves_the_database_empty():
    output = seed("--dry-run")
    assert "rolled back" in output
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_dry_run_of_one_loader_leaves_the_database_empty():
    output = seed("--dry-run", "--only", "directory", "--only", "accounts")
    assert "rolled back" in output and "directory.Organisation: created" in output
    assert not Organisation.objects.exists() and not User.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.slow
def test_no_accounts_unless_embedded_demo_or_asked(settings, no_city):
    settings.EMBEDDED_DEMO = False
    call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()
    assert Organisation.objects.exists()


def test_the_accounts_loader_only_for_the_embedded_demo_or_on_request(settings, no_city):
    settings.EMBEDDED_DEMO = False
    with pytest.raises(CommandError, match="Unknown loader.*accounts"):
        call_command("seed_demo", "--only", "directory", "--only", "accounts",
                     stdout=io.StringIO())
    assert not User.objects.exists() and not Organisation.objects.exists()
    settings.EMBEDDED_DEMO = True
    with pytest.raises(CommandError, match="Unknown loader.*accounts"):
        call_command("seed_demo", "--without-accounts", "--only", "directory", "--only",
                     "accounts", stdout=io.StringIO())
    call_command("seed_demo", "--only", "directory", "--only", "accounts",
                 stdout=io.StringIO())
    assert User.objects.filter(username="admin").exists() and Organisation.objects.exists()


# --- the facts of the seeds ----------------------------------------------------

def test_nine_support_areas_as_listed_in_the_project_card(seeded):
    areas = list(SupportArea.objects.order_by("position"))
    assert [a.numeral for a in areas] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    assert [a.position for a in areas] == list(range(1, 10))
    assert areas[0].name == "Podpora seniorům"
    assert areas[5].name == "Podpora rodinám s dětmi"
    assert areas[7].name == "Romské etnikum (Podpora občanům v sociálně vyloučených lokalitách)"


def test_children_and_family_group(seeded):
    dar = WorkingGroup.objects.get(code="DaR")
    assert dar.name == "Děti a rodina"
    assert dar.kind == BodyKind.WORKING_GROUP
    assert [a.numeral for a in dar.support_areas.all()] == ["VI"]
    assert dar.manager == person("Nováková")
    assert dar.contact_person == person("Miturová")
    assert dar.target_group_description.startswith(
        "Cílová skupina Děti a rodina je velmi rozsáhlá a různorodá. Patří do ní všechny rodiny"
    )
    assert "*" not in dar.target_group_description
    needs = list(dar.needs.order_by("position"))
    assert [n.position for n in needs] == list(range(1, 11))
    assert needs[0].text == "zajistit dostupnost krizových lůžek pro rodiny s dětmi,"
    assert needs[3].text == "zpracovat koncepci rodinné politiky města."
    assert needs[-1].text == (
        "podporovat aktivity vedoucí k zajištění dostupného bydlení pro rodiny s dětmi."
    )
    # The 2018 manager and contact person exist as people.
    assert person("Bittner", given_name="Martin", title_before="Mgr.")
    assert person("Štícha", given_name="Petr", title_before="Bc.")


def test_institut_prevence_seat_history(seeded):
    seats = Membership.objects.filter(
        body__code="DaR", organisation__name="Institut prevence"
    ).order_by("valid_to")
    assert seats.count() == 2
    ended = seats.get(valid_to=CHANGE_DAY)
    assert ended.valid_from is None
    assert ended.member.family_name == "Štulíková"
    assert ended.member.given_name == ""
    assert ended.member.title_before == "Mgr."
    assert ended.substitute == person("Grochal", given_name="Lukáš")
    current = seats.get(valid_to__isnull=True)
    assert current.valid_from == CHANGE_DAY
    assert current.member == person("Grofková", given_name="Kateřina", title_before="Mgr.")
    assert current.substitute == person("Grochal")
    assert current.source == SOURCE_DAR
    assert current in Membership.objects.current()


def test_host_seat_history(seeded):
    seats = Membership.objects.filter(body__code="DaR", organisation__name="HOST")
    ended = seats.get(valid_to=CHANGE_DAY)
    assert ended.member == person("Žabenská", given_name="Magda")
    assert ended.substitute is None
    current = seats.get(valid_to__isnull=True)
    assert current.member == person("Procházková", given_name="Kateřina", title_before="Bc.")
    assert current.substitute.family_name == "Telčerová"
    assert current.substitute.given_name == ""
    assert current.substitute.organisation.name == "HOST"


def test_managerial_team(seeded):
    mt = WorkingGroup.objects.get(code="MT-KP")
    assert mt.kind == BodyKind.MANAGERIAL_TEAM
    seats = Membership.objects.filter(body=mt)
    assert seats.filter(position=MembershipPosition.GROUP_MANAGER).count() == 8
    assert seats.filter(position=MembershipPosition.CONTACT_PERSON).count() == 8
    assert seats.filter(position=MembershipPosition.MEMBER).count() == 7
    assert not seats.filter(organisation__isnull=False).exists()
    assert not seats.filter(valid_from__isnull=False).exists()
    assert set(seats.values_list("source", flat=True)) == {"Zápis MT KP 24.–25. 10. 2024"}
    # One person each, whether the seeds name them with or without titles.
    assert seats.filter(member=person("Nováková"), position="group_manager").exists()
    assert seats.filter(member=person("Miturová"), position="contact_person").exists()
    assert seats.filter(member=person("Gawlíková", given_name="Veronika"), position="member")
    assert Person.objects.filter(family_name="Gawlíková").count() == 1
    assert Person.objects.filter(family_name="Vozárik").count() == 1
    assert person("Vozárik").title_before == "Mgr."


def test_other_bodies(seeded):
    assert WorkingGroup.objects.get(code="PZ").kind == BodyKind.PLATFORM
    assert not Membership.objects.filter(body__code="PZ").exists()
    for code, name in [("ZAM", "Zaměstnanost"), ("SB", "Sociální bydlení")]:
        group = WorkingGroup.objects.get(code=code)
        assert group.name == name
        assert group.manager is None and group.contact_person is None


def test_titles_split_as_published(seeded):
    novakova = person("Nováková")
    assert (novakova.title_before, novakova.given_name, novakova.title_after) == (
        "Bc.", "Sabina", "DiS.,MBA"
    )
    assert str(novakova) == "Bc. Sabina Nováková, DiS.,MBA"
    hana = person("Drábková Sobková")
    assert (hana.title_before, hana.given_name, hana.title_after) == ("Mgr.", "Hana", "PhD.")
    assert person("Trefná Skácelová").given_name == "Petra"


def test_organisations_as_published(seeded):
    centrom = Organisation.objects.get(name__startswith="CENTROM")
    assert centrom.name == "CENTROM z. s."
    assert centrom.legal_form == "z. s."
    assert "CENTROM, z.s." in centrom.note
    assert "001 příloha B" in centrom.note
    assert Organisation.objects.filter(name__startswith="CENTROM").count() == 1
    renarkon = Organisation.objects.get(name="Renarkon, o.p.s.")
    assert "Renarkon o.p.s." in renarkon.note
    assert Organisation.objects.get(name="Centrum Anabell, z. ú.").legal_form == "z. ú."
    assert Organisation.objects.get(name="Spolu pro rodinu, z.s.").legal_form == "z.s."
    city = Organisation.objects.get(name="Statutární město Ostrava")
    assert city.kind == OrganisationKind.CITY_BODY
    assert Organisation.objects.filter(kind=OrganisationKind.CITY_DISTRICT).count() == 3
    assert Organisation.objects.get(short_name="OSVZ MMO").kind == OrganisationKind.CITY_BODY
    assert Organisation.objects.get(short_name="DCHOO").name == "Diecézní charita ostravsko-opavská"
    assert Organisation.objects.get(short_name="OPU").name == (
        "Organizace pro pomoc uprchlíkům, z.s."
    )
    assert not Organisation.objects.exclude(ico="").exists()
    assert person("Grofková").organisation.name == "Institut prevence"


def test_demo_accounts_hold_their_roles(seeded):
    expected = {
        "admin": Role.ADMINISTRATOR,
        "urednik": Role.CITY_OFFICER,
        "manazer": Role.GROUP_MANAGER,
        "kontakt": Role.CONTACT_PERSON,
        "realizator": Role.IMPLEMENTER,
        "clen": Role.GROUP_MEMBER,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert role in roles_of(user), username
        assert user.check_password(DEMO_PASSWORD)
        assert username in seeded
    assert User.objects.get(username="admin").is_staff
    assert User.objects.get(username="realizator").implementer_organisation.name == (
        "Centrum sociálních služeb Ostrava, o.p.s."
    )
    assert DEMO_PASSWORD in seeded


def test_demo_accounts_have_addresses_the_workflow_mails_go_to(seeded):
    """The embedded demo sends its mails to the console: without an address a
    workflow (minutes submitted to the contact person, ...) sends nothing."""
    from meetings.mail_kinds import emails_of

    for username in ("admin", "urednik", "manazer", "kontakt", "realizator", "clen"):
        user = User.objects.get(username=username)
        assert user.email == f"{username}@demo.example.org"
        assert user.email in seeded
    kontakt = User.objects.get(username="kontakt")
    assert kontakt.email in emails_of(kontakt.person)


def test_seed_notes_read_as_notes_and_name_their_fixture(seeded):
    notes = [line for line in seeded.splitlines() if "kept as published" in line]
    assert len(notes) == 2, notes
    assert all(line.startswith("Note (not an error): ") for line in notes), notes
    assert "fixtures/seed_planning.json" in notes[0]
    assert "fixtures/seed_meetings.json" in notes[1]


def test_existing_account_password_is_never_reset(seeded):
    user = User.objects.get(username="clen")
    user.set_password("vlastni-heslo-clena")
    user.save()
    seed()
    user.refresh_from_db()
    assert user.check_password("vlastni-heslo-clena")


# --- the data file against the seed documents ----------------------------------

def _seed_text():
    seeds = Path(settings.SEEDS_DIR)
    if not seeds.is_dir():
        pytest.skip("seed documents not available")
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("0*.txt")))


def test_every_record_cites_a_seed_document():
    data = read_seed_data()
    for section in ("support_areas", "organisations", "people", "bodies", "memberships",
                    "seat_histories"):
        for record in data[section]:
            assert re.match(r"^00[0-4] ", record["source"]), (section, record)


def test_texts_are_verbatim_from_the_seeds():
    text = _seed_text()
    plain = text.replace("***", "").replace("**", "")
    data = read_seed_data()
    for area in data["support_areas"]:
        assert f"{area['numeral']}. {area['name']}" in text
    for need in data["bodies"][0]["needs"]:
        assert f"- {need}\n" in plain
    for paragraph in data["bodies"][0]["target_group_description"].split("\n\n"):
        assert paragraph in plain
    for org in data["organisations"]:
        published = [org["name"], *(a["text"] for a in org.get("also_published_as", []))]
        assert any(name in text for name in published), org["name"]


def test_a_half_applied_change_is_completed(seeded):
    """A database seeded before the change of 16. 1. 2025 gets the change, audited."""
    seats = Membership.objects.filter(body__code="DaR", organisation__name="Institut prevence")
    seats.get(valid_to__isnull=True).delete()
    seats.update(valid_to=None)
    audit = AuditEntry.objects.count()

    output = seed()

    assert seats.count() == 2
    assert seats.get(valid_to=CHANGE_DAY).member.family_name == "Štulíková"
    assert seats.get(valid_to__isnull=True).member.family_name == "Grofková"
    assert AuditEntry.objects.count() == audit + 2  # the end of one seat, the start of the next
    assert "directory.Membership: created 1, updated 1" in output


def test_verbose_run_lists_the_inconsistencies_of_the_seeds(seeded):
    out = io.StringIO()
    call_command("seed_demo", "--without-accounts", verbosity=2, stdout=out)
    output = out.getvalue()
    assert "3.1.1.3" in output
    assert "KC [003 Omluveni]" in output


# --- the city ----------------------------------------------------------------------

def test_the_demo_city_comes_from_the_fixture_and_heads_every_page(seeded, client):
    from django.urls import reverse

    from directory.models import City, Territory
    from indicators.models import Indicator
    from planning.models import Plan

    city = City.objects.get()
    assert (city.name, city.full_name, city.currency, city.currency_label) == (
        "Ostrava", "Statutární město Ostrava", "CZK", "Kč")
    assert city.department.startswith("Magistrát města Ostravy")
    assert (city.home_territory.code, city.region.code) == ("ostrava", "msk")
    assert [(t.code, t.kind, t.official_code, t.parent.code if t.parent else None)
            for t in Territory.objects.order_by("pk")] == [
        ("ostrava", "municipality", "554821", "msk"), ("msk", "region", "CZ080", "cr"),
        ("cr", "country", "CZ", None)]
    assert not Plan.objects.exclude(city=city).exists()
    assert not Indicator.objects.exclude(home_territory=city.home_territory).exists()
    html = client.get(reverse("core:home")).text
    assert '<span class="brand-city">Ostrava</span>' in html
    assert "Statutární město Ostrava · Magistrát města Ostravy" in html
    assert "Komunitní plánování sociálních služeb — Ostrava" in html


def test_the_seed_fills_a_city_row_the_migration_made_and_keeps_what_differs(seeded):
    from directory.models import City
    from directory.seed import load as load_directory
    from directory.seed import read_city_data, read_seed_data

    City.objects.filter().update(full_name="", department="Odbor jiný", version=1)
    out = io.StringIO()
    load_directory(out, summary=None, data=read_seed_data(), city_data=read_city_data())
    city = City.objects.get()
    assert city.full_name == "Statutární město Ostrava"  # an empty field is filled
    assert city.department == "Odbor jiný"  # an edited one stays, and is reported
    assert "differs from the seed in department" in out.getvalue()


def test_the_demo_city_names_its_provider_and_territory_for_the_open_data_catalogue(seeded):
    """The seed's city carries the IČO and the RÚIAN code the local open-data
    catalogue (core.lkod) needs, so the demo's catalogue is complete."""
    city = City.objects.get()
    assert (city.ico, city.ruian_code) == ("00845451", "554821")
    assert city.open_data_licence == "https://creativecommons.org/licenses/by/4.0/"
