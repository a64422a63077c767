"""Minutes PDF (EU publicity block on every page of a project's minutes) and
the iCalendar feeds (parsed by a real calendar library)."""

import datetime
import io
import re

import icalendar
import pytest
from django.urls import reverse

from meetings import ical
from meetings.models import Event, MinutesItem
from tests.core.pdf_tools import assert_accessible, pdf_text, read_pdf
from tests.projects.factories import ProjectFactory
from tests.projects.pdf_text import _streams

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def pdf_pages(pdf: bytes):
    """The text of each page as poppler's pdftotext reads it (pages end with a
    form feed), runs of white space as one space."""
    return [re.sub(r"\s+", " ", page).replace("\xa0", " ").strip()
            for page in pdf_text(pdf).split("\f")[:-1]]


def page_count(meeting):
    """Pages of the same minutes laid out by WeasyPrint directly."""
    from weasyprint import HTML

    from core.pdf import PORTAL_BASE_URL, PortalURLFetcher
    from meetings.documents import minutes_pdf_html

    # The same HTML the download is made from (in the city's document language).
    html = minutes_pdf_html(meeting)
    return len(HTML(string=html, base_url=PORTAL_BASE_URL,
                    url_fetcher=PortalURLFetcher()).render().pages)


def _page_drawings(pdf):
    """Each page's content with the form XObjects it draws, nested ones too."""
    from pypdf import PdfReader

    def with_forms(resources, seen):
        data = b""
        for ref in (resources or {}).get("/XObject", {}).values():
            form = ref.get_object()
            if form.get("/Subtype") == "/Form" and id(form) not in seen:
                seen.add(id(form))
                data += form.get_data() + with_forms(form.get("/Resources"), seen)
        return data

    for page in PdfReader(io.BytesIO(pdf)).pages:
        contents = page.get_contents()
        yield (contents.get_data() if contents is not None else b"") + with_forms(
            page.get("/Resources"), set())


def test_project_minutes_carry_the_eu_block_on_every_page(client):
    project = ProjectFactory(registration_number="CZ.03.02.01/00/22_018/0006590",
                             title="Společné plánování udržitelné sítě")
    meeting = MeetingFactory.with_minutes(minutes_status="published")
    meeting.funding_project = project
    meeting.save()
    for n in range(2, 12):
        MinutesItem.objects.create(meeting=meeting, position=n, title=f"Bod {n}",
                                   text_html="<p>" + "Dlouhý text zápisu. " * 120 + "</p>")
    response = client.get(reverse("meetings:pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    pages = pdf_pages(pdf)
    assert len(pages) >= 3 and len(pages) == page_count(meeting)
    for number, text in enumerate(pages, start=1):
        compact = text.replace(" ", "")
        assert "Evropskáunie" in compact or "EuropeanUnion" in compact, \
            f"page {number} lacks the EU block"
        assert "CZ.03.02.01/00/22_018/0006590" in compact, f"page {number}"
        assert project.call.programme.name.replace(" ", "") in compact, f"page {number}"
    first = pages[0].replace(" ", "")
    assert "ZÁPIS" in first or "MINUTES" in first
    # The project is named once on each page: page 1 in its heading, the
    # others in the publicity block.
    for number, text in enumerate(pages, start=1):
        compact = text.replace(" ", "")
        assert compact.count("CZ.03.02.01/00/22_018/0006590") == 1, f"page {number}"
        assert compact.count("Společnéplánováníudržitelnésítě") == 1, f"page {number}"
    # The official emblem is drawn on every page: its blue (#003399) and gold (#FFCC00).
    # WeasyPrint may draw it once as a form XObject that several pages use, so
    # each page is read with the forms it draws.
    for number, page_drawing in enumerate(_page_drawings(pdf), start=1):
        assert b"0 0.2 0.6 rg" in page_drawing, f"no EU blue on page {number}"
    drawings = b"".join(_streams(pdf))
    assert b"1 0.8 0 rg" in drawings, "no EU gold"
    # Tagged PDF/UA (issue 15): title and language of the HTML, bookmarks from the
    # headings, a structure tree; pdftotext reads the title as one word.
    facts = assert_accessible(read_pdf(pdf),
                              title=f"ZÁPIS – {meeting.body.name} – 16. 1. 2025 (13:00–15:00)")
    assert facts.struct.count("H1") == 1 and "H2" in facts.struct and "L" in facts.struct
    assert facts.outline[0] == "ZÁPIS" and "1. Organizační záležitosti" in facts.outline
    assert "ZÁPIS z jednání pracovní skupiny" in facts.text


def test_the_eu_emblem_is_the_official_one_with_an_alt_text(client):
    """12 gold five-pointed stars on blue, on a circle of a third of the flag's
    height, each star's outer radius an eighteenth of it (the EU's graphic
    specification), served from the portal's own static files."""
    import math
    import re
    from xml.etree import ElementTree

    from django.contrib.staticfiles import finders

    from meetings.documents import minutes_pdf_html

    # The portal's own file, not untrusted input.
    svg = ElementTree.parse(finders.find("meetings/img/eu-emblem.svg")).getroot()  # noqa: S314
    ns = {"svg": "http://www.w3.org/2000/svg"}
    width, height = (float(v) for v in svg.get("viewBox").split()[2:])
    assert width / height == 1.5
    rect = svg.find("svg:rect", ns)
    assert rect.get("fill").upper() == "#003399" and float(rect.get("height")) == height
    group = svg.find("svg:g", ns)
    assert group.get("fill").upper() == "#FFCC00"
    stars = group.findall("svg:polygon", ns)
    assert len(stars) == 12
    for star in stars:
        points = [tuple(map(float, p.split(","))) for p in star.get("points").split()]
        assert len(points) == 10  # five points, five notches
        cx = sum(x for x, _ in points) / 10
        cy = sum(y for _, y in points) / 10
        assert math.dist((cx, cy), (width / 2, height / 2)) == pytest.approx(height / 3, abs=0.01)
        outer = max(math.dist((cx, cy), p) for p in points)
        assert outer == pytest.approx(height / 18, abs=0.01)
        top = min(points, key=lambda p: p[1])
        assert top[0] == pytest.approx(cx, abs=0.01)  # one point upright
    project = ProjectFactory()
    meeting = MeetingFactory.with_minutes(minutes_status="published")
    meeting.funding_project = project
    meeting.save()
    html = minutes_pdf_html(meeting)
    assert len(re.findall(r'<img class="eu-flag" src="/static/meetings/img/eu-emblem.svg" '
                          r'alt="Vlajka Evropské unie">', html)) == 2


@pytest.mark.parametrize(("language", "title"), [("cs", "ZÁPIS"), ("en", "MINUTES")])
def test_the_minutes_are_written_in_the_city_s_language_not_the_reader_s(language, title):
    from django.utils import translation

    from meetings.documents import minutes_pdf_html
    from tests.directory.factories import the_city

    city = the_city()
    city.document_language = language
    city.save()
    meeting = MeetingFactory.with_minutes(minutes_status="published")
    with translation.override("cs" if language == "en" else "en"):
        html = minutes_pdf_html(meeting)
    assert f'<html lang="{language}">' in html
    assert f"<title>{title} – " in html


def test_minutes_without_a_project_have_no_eu_block(client):
    meeting = MeetingFactory.with_minutes(minutes_status="published")
    pdf = client.get(reverse("meetings:pdf", args=[meeting.pk])).content
    text = "".join(pdf_pages(pdf)).replace(" ", "")
    assert "Organizačnízáležitosti" in text
    assert "Evropskáunie" not in text and "EuropeanUnion" not in text


def test_script_in_minutes_is_not_in_pages_or_pdf(client, manager_a, group_a):
    from meetings import services

    meeting = MeetingFactory(body=group_a)
    services.minutes_item_create(actor=manager_a, meeting=meeting, title="Bod",
                                 text_html='<p>ok<script>alert("x")</script>'
                                           '<a href="javascript:alert(1)">klik</a></p>')
    client.force_login(manager_a)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'alert("x")' not in page and "javascript:" not in page
    assert "klik" in page


def test_feed_parses_and_lists_public_meetings_and_events(client):
    published = MeetingFactory.with_minutes(minutes_status="published",
                                            title="Tematické; setkání, s velmi dlouhým "
                                                  "názvem, který se musí zalomit ✓")
    published.place_name = "Magistrát města Ostravy, Prokešovo nám. 8"
    published.latitude, published.longitude = "49.8228022", "18.2476181"
    published.save()
    draft = MeetingFactory.with_minutes(day=datetime.date(2025, 3, 1))
    Event.objects.create(title="Platforma zdraví – první setkání",
                         starts_on=datetime.date(2024, 12, 2), start_time=datetime.time(10),
                         end_time=datetime.time(14),
                         place="sál zastupitelstva")
    Event.objects.create(title="Kampaň – měsíc kyberbezpečnosti",
                         starts_on=datetime.date(2024, 10, 1), ends_on=datetime.date(2024, 10, 31),
                         month_only=True)
    response = client.get(reverse("meetings:calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(raw)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert f"meeting-{published.pk}@kp-portal" in events
    assert f"meeting-{draft.pk}@kp-portal" not in events
    meeting = events[f"meeting-{published.pk}@kp-portal"]
    assert "Tematické; setkání" in str(meeting["SUMMARY"]) and "✓" in str(meeting["SUMMARY"])
    start = meeting.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime.datetime(2025, 1, 16, 13)
    assert str(start.tzinfo) in ("Europe/Prague", "CET") or "Prague" in repr(start.tzinfo)
    campaign = [e for e in events.values() if "kyber" in str(e["SUMMARY"])][0]
    assert campaign.decoded("DTSTART") == datetime.date(2024, 10, 1)
    assert campaign.decoded("DTEND") == datetime.date(2024, 11, 1)
    assert cal.walk("VTIMEZONE")


def test_group_feed_and_single_meeting(client):
    meeting = MeetingFactory.with_minutes(minutes_status="published")
    other = MeetingFactory.with_minutes(minutes_status="published")
    raw = client.get(reverse("meetings:group_calendar", args=[meeting.body.code])).content
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")]
    assert uids == [f"meeting-{meeting.pk}@kp-portal"]
    assert f"meeting-{other.pk}" not in raw.decode()
    single = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert "attachment" in single["Content-Disposition"]
    assert len(icalendar.Calendar.from_ical(single.content).walk("VEVENT")) == 1


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "ž" * 100
    folded = ical.fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")
    assert folded.replace("\r\n ", "") == line


def test_escaping():
    assert ical.escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


# --- Open tasks carried over only within the window (#15) ------------------------------


def _carried(meeting):
    from meetings.documents import minutes_document

    return [t["description"] for t in minutes_document(meeting, internal=True)["carried_tasks"]]


def test_open_tasks_are_carried_over_within_the_window_only(settings):
    from meetings.models import Task

    today = MeetingFactory(day=datetime.date(2025, 1, 16))
    recent = MeetingFactory(body=today.body, day=datetime.date(2024, 11, 20))
    old = MeetingFactory(body=today.body, day=datetime.date(2018, 3, 8))
    Task.objects.create(meeting=recent, description="Rozeslat letáčky")
    Task.objects.create(meeting=old, description="Zpracovat tabulku z roku 2018")
    Task.objects.create(meeting=recent, description="Hotovo", status="done")
    settings.MEETINGS_TASK_CARRY_OVER_DAYS = 365
    assert _carried(today) == ["Rozeslat letáčky"]
    settings.MEETINGS_TASK_CARRY_OVER_DAYS = 30
    assert _carried(today) == []
    settings.MEETINGS_TASK_CARRY_OVER_DAYS = 3000
    assert _carried(today) == ["Zpracovat tabulku z roku 2018", "Rozeslat letáčky"]


def test_a_two_day_meeting_is_two_events_with_each_day_s_hours(client):
    from meetings.models import MeetingDay

    meeting = MeetingFactory.with_minutes(minutes_status="published")
    MeetingDay.objects.create(meeting=meeting, date=datetime.date(2025, 1, 17),
                              start_time=datetime.time(9), end_time=datetime.time(12))
    raw = client.get(reverse("meetings:ics", args=[meeting.pk])).content
    events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    spans = sorted((e.decoded("DTSTART").replace(tzinfo=None),
                    e.decoded("DTEND").replace(tzinfo=None)) for e in events)
    assert spans == [
        (datetime.datetime(2025, 1, 16, 13), datetime.datetime(2025, 1, 16, 15)),
        (datetime.datetime(2025, 1, 17, 9), datetime.datetime(2025, 1, 17, 12)),
    ]
    assert len({str(e["UID"]) for e in events}) == 2
    feed = client.get(reverse("meetings:group_calendar", args=[meeting.body.code])).content
    assert len(icalendar.Calendar.from_ical(feed).walk("VEVENT")) == 2


def test_a_multi_day_meeting_without_hours_is_one_all_day_event_over_its_days(client):
    meeting = MeetingFactory.with_minutes(minutes_status="published")
    from meetings.models import MeetingDay

    meeting.days.update(start_time=None, end_time=None)
    MeetingDay.objects.create(meeting=meeting, date=datetime.date(2025, 1, 17))
    raw = client.get(reverse("meetings:ics", args=[meeting.pk])).content
    (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.date(2025, 1, 16)
    assert event.decoded("DTEND") == datetime.date(2025, 1, 18)


def test_the_public_group_page_links_the_group_s_calendar(client):
    meeting = MeetingFactory.with_minutes(minutes_status="published")
    page = client.get(reverse("directory:group_detail", args=[meeting.body.code]))
    url = reverse("meetings:group_calendar", args=[meeting.body.code])
    assert f'href="{url}"' in page.content.decode()
    assert client.get(url)["Content-Type"].startswith("text/calendar")
