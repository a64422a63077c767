"""The demo data: the three minutes of 000, 002 and 003, faithfully, and the
events of 000, 003 and the 2023 timeline of 001; idempotent."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEntry
from directory.models import Membership
from directory.seed import SeedError
from meetings.models import Event, Meeting, MinutesStatus
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db

LOADERS = ["directory", "plans", "projects", "meetings"]


def seed(*names):
    out = io.StringIO()
    args = []
    for name in names or LOADERS:
        args += ["--only", name]
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _seed_once():
    """seed()'s rows and output, loaded once per session and copied
    (tests/shared_db.py; tests/meetings/test_anonymise_demo.py loads the same)."""
    return seed_demo(*DEMO)


_seeded_once = module_rows(_seed_once)


@pytest.fixture
def seeded(_seeded_once, db):
    return _seeded_once


def test_three_minutes_published_as_in_the_sources(seeded, client):
    mt = Meeting.objects.get(body__code="MT-KP", starts_on=datetime.date(2024, 10, 24))
    assert list(mt.days.values_list("date", flat=True)) == [datetime.date(2024, 10, 24),
                                                          datetime.date(2024, 10, 25)]
    assert mt.minutes_status == MinutesStatus.PUBLISHED
    assert mt.recorded_by_text == "Sokolovská" and mt.recorded_on == datetime.date(2024, 10, 25)
    page = client.get(reverse("meetings:detail", args=[mt.pk])).content.decode()
    assert "24.–25. 10. 2024" in page and "Hotel Freud Ostravice" in page
    assert "Kognitivní rehabilitace v praxi" in page
    assert "Petra Trefná Skácelová" in page and "Kamila Káňová" in page
    assert "https://socialniveci.ostrava.cz/socialni-podnikani/" in page
    assert mt.items.count() == 5

    dar_2018 = Meeting.objects.get(body__code="DaR", starts_on=datetime.date(2018, 3, 8))
    assert dar_2018.funding_project.registration_number == "CZ.03.2.63/0.0/0.0/16_063/0006590"
    assert dar_2018.verified_by.family_name == "Štícha"
    assert dar_2018.recorded_by.family_name == "Bittner"
    assert dar_2018.items.count() == 6
    nxt = dar_2018.next_meeting
    assert nxt.starts_on == datetime.date(2018, 4, 19) and nxt.status == "planned"
    assert str(nxt.latitude) == "49.8228022" and str(nxt.longitude) == "18.2476181"
    day = nxt.days.get()
    assert (day.start_time, day.end_time) == (datetime.time(13), datetime.time(15))
    assert dar_2018.tasks.filter(description__contains="nejpozději do 20. 3. 2018").exists() \
        or dar_2018.tasks.filter(deadline=datetime.date(2018, 3, 20)).exists()

    dar_2025 = Meeting.objects.get(body__code="DaR", starts_on=datetime.date(2025, 1, 16))
    assert dar_2025.kind == "thematic" and dar_2025.attendance_sheet
    assert sorted(dar_2025.attendance.filter(presence="excused")
                  .values_list("name_text", flat=True)) == ["Adra", "CPR", "KC"]
    assert dar_2025.items.get(position=3).moved_to_next
    assert dar_2025.next_meeting.starts_on == datetime.date(2025, 2, 20)
    changes = list(dar_2025.membership_changes.select_related("membership__member"))
    assert {c.membership.member.family_name for c in changes} == {"Grofková", "Procházková"}
    # The membership history has the change once, not twice.
    assert Membership.objects.filter(body__code="DaR", organisation__name="Institut prevence"
                                     ).count() == 2


def test_events_of_the_timeline(seeded):
    assert Event.objects.count() >= 20
    round_table = Event.objects.get(title__icontains="kulatý stůl", starts_on__year=2023)
    assert round_table.month_only and round_table.starts_on == datetime.date(2023, 11, 1)
    # The workshop 001 prints belongs to no area of the plan, but to the plan.
    workshop = Event.objects.get(title__startswith="Workshop k vizualizaci dat")
    assert workshop.plan_area is None and workshop.plan.code == "psz-2022-2027"
    assert round_table.plan is None and round_table.plan_area.plan.code == "psz-2022-2027"


def test_second_run_changes_nothing(seeded):
    audits = AuditEntry.objects.count()
    meetings = Meeting.objects.count()
    out = seed()
    assert AuditEntry.objects.count() == audits
    assert Meeting.objects.count() == meetings
    assert "inconsistent" in seeded and "inconsistent" in out


def test_a_missing_project_is_an_error_not_a_silent_drop():
    # The minutes' bodies and people are the directory's; the plans, which the
    # minutes do not name, would add seconds and change nothing here.
    seed("directory")
    from directory.seed import SeedSummary
    from meetings import seed as meetings_seed

    with pytest.raises(SeedError, match="CZ.03.2.63/0.0/0.0/16_063/0006590"):
        meetings_seed.load(stdout=io.StringIO(), summary=SeedSummary())


def test_pdf_of_the_2018_meeting_has_the_eu_block_on_every_page(seeded, client):
    from .test_outputs import pdf_pages

    meeting = Meeting.objects.get(body__code="DaR", starts_on=datetime.date(2018, 3, 8))
    response = client.get(reverse("meetings:pdf", args=[meeting.pk]))
    pages = [p.replace(" ", "") for p in pdf_pages(response.content)]
    assert len(pages) >= 2
    programme = meeting.funding_project.call.programme.name.replace(" ", "")
    for text in pages:
        assert "Evropskáunie" in text
        assert "CZ.03.2.63/0.0/0.0/16_063/0006590" in text
        assert programme in text
    whole = "".join(pages)
    for printed in ("ZÁPIS", "zjednání", "DĚTIARODINA", "DATUM", "8.3.2018", "MÍSTOKONÁNÍ",
                    "PROGRAM", "Zapsal", "Ověřil", "Bittner", "Štícha", "19.4.2018",
                    "49.8228022"):
        assert printed in whole, printed


# --- The minutes as the seeds print them (#15) -----------------------------------------


def test_the_managerial_team_lists_the_25_participants_000_prints_and_no_one_else(seeded,
                                                                                   client):
    mt = Meeting.objects.get(body__code="MT-KP", starts_on=datetime.date(2024, 10, 24))
    assert mt.attendance.count() == 25
    assert sorted(mt.attendance.filter(role="guest").values_list("name_text", flat=True)) \
        == ["Daniel Vrána", "Hana Drábková Sobková"]
    page = client.get(reverse("meetings:detail", args=[mt.pk])).content.decode()
    # Mgr. Antonín Liška presents on day 2 (the programme), he is not listed as present.
    assert page.count("Antonín Liška") == 1
    dar_2025 = Meeting.objects.get(body__code="DaR", starts_on=datetime.date(2025, 1, 16))
    assert not dar_2025.attendance.filter(presence="present").exists()  # "viz. Prezenční listina"


def test_the_2025_minutes_are_signed_placed_and_carry_over_as_003_prints_them(seeded, client):
    dar_2025 = Meeting.objects.get(body__code="DaR", starts_on=datetime.date(2025, 1, 16))
    assert dar_2025.recorded_by.family_name == "Nováková"
    assert dar_2025.verified_by.family_name == "Miturová"
    page = client.get(reverse("meetings:detail", args=[dar_2025.pk])).content.decode()
    assert "Bc. Sabina Nováková, DiS.,MBA, manažer PS" in page
    assert "Mgr. Radka Miturová, kontaktní osoba" in page
    assert "Magistrát města Ostravy, Prokešovo nám. 8, místnost č. 504" in page
    # The open tasks of 2018 are seven years old: not carried into 2025.
    assert dar_2025.body.meetings.filter(starts_on__year=2018, tasks__status="open").exists()
    assert "carried-tasks" not in page and "2018" not in page


def test_the_project_clause_is_not_the_title_of_the_2018_meeting(seeded, client):
    dar_2018 = Meeting.objects.get(body__code="DaR", starts_on=datetime.date(2018, 3, 8))
    assert dar_2018.title == ""
    page = client.get(reverse("meetings:detail", args=[dar_2018.pk])).content.decode()
    assert page.count("CZ.03.2.63/0.0/0.0/16_063/0006590") == 1
    rows = client.get("/data/meetings.json").json()["rows"]
    assert not any("v rámci projektu" in (row["title"] or "") for row in rows)


def test_the_timeline_of_001_is_loaded_whole_and_printed_by_month(seeded, client):
    """#15: the paragraphs and captions of 001's "Spolupráce v roce 2023" that
    tell of no single event are loaded too; the report's timeline has every
    month 001 prints, each with its paragraphs, and the calendar has none."""
    import json
    from pathlib import Path

    from django.conf import settings

    from planning.models import Plan
    from reports.interim import interim_context

    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed_meetings.json")
                      .read_text("utf-8"))
    notes = {n["id"]: n for n in data["timeline_notes"]}
    printed = [(month["month"], notes[p["note_id"]]["text"])
               for month in data["timeline"]["months"] for p in month["paragraphs"]
               if p.get("note_id")]
    assert len(printed) == 9
    plan = Plan.objects.get(code="psz-2022-2027")
    assert Event.objects.filter(kind="note").count() == 9
    assert all(e.plan == plan for e in Event.objects.filter(kind="note"))
    timeline = interim_context(plan, year=2023)["timeline"]
    assert [m["number"] for m in timeline] == [f"{n:02d}" for n in range(1, 13)]
    texts = {(int(m["number"]), e.text) for m in timeline for e in m["entries"]}
    assert [p for p in printed if p not in texts] == []
    feed = client.get(reverse("meetings:calendar")).content.decode()
    assert "APK působí" not in feed and "Do výzvy č. 18" not in feed


def test_the_planted_absences_raise_exactly_one_alert(seeded):
    """The demo's invented, illustrative meetings (fixtures/seed_participation.json):
    HOST misses three meetings of Děti a rodina without excuse, once."""
    from meetings.models import AbsenceAlert

    alert = AbsenceAlert.objects.select_related("first_meeting", "raised_at_meeting").get()
    assert (alert.body.code, alert.organisation.name) == ("DaR", "HOST")
    assert alert.first_meeting.starts_on == datetime.date(2025, 3, 20)
    assert alert.raised_at_meeting.starts_on == datetime.date(2025, 6, 19)
    assert alert.is_open
    assert "Ilustrativní" in alert.first_meeting.title
