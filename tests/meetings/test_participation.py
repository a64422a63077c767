"""Participation (meetings/participation.py): the marks per organisation and
meeting, the absence alert (three unexcused absences in a row, one alert per
streak; an excuse breaks the streak; a meeting whose minutes list nobody is
skipped), where it is raised (minutes published), the pages and the XLSX."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from meetings import participation, services
from meetings.models import AbsenceAlert, Attendance, MinutesItem, MinutesStatus, Presence
from tests.directory.factories import MembershipFactory, OrganisationFactory, PersonFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

ABSENT, PRESENT, EXCUSED, SHEET, NOBODY = "A", "P", "E", "sheet", "nobody"


@pytest.fixture
def seats(group_a):
    """Two member organisations of group A: the one whose attendance a test
    plants, and one always present (so that the minutes list someone)."""
    watched = OrganisationFactory(name="Spolek Sledovaný")
    always = OrganisationFactory(name="Spolek Věrný")
    MembershipFactory(body=group_a, organisation=watched)
    MembershipFactory(body=group_a, organisation=always)
    return watched, always


def plant(group, seats, pattern, *, start=datetime.date(2025, 1, 9)):
    """Published meetings a week apart, the watched organisation marked by
    `pattern`; returns the meetings."""
    watched, always = seats
    meetings = []
    for n, mark in enumerate(pattern):
        meeting = MeetingFactory(body=group, minutes_status=MinutesStatus.PUBLISHED,
                                 day=start + datetime.timedelta(days=7 * n),
                                 attendance_sheet=mark == SHEET)
        if mark not in (SHEET, NOBODY):
            Attendance.objects.create(meeting=meeting, organisation=always)
        if mark in (PRESENT, EXCUSED):
            Attendance.objects.create(meeting=meeting, organisation=watched,
                                      presence=Presence.PRESENT if mark == PRESENT
                                      else Presence.EXCUSED)
        meetings.append(meeting)
    return meetings


def refresh(group):
    return participation.absence_alerts_refresh(actor=None, body=group)


def watched_marks(group, seats):
    table = participation.participation_table(group, participation.counted_meetings(group))
    return next(row.marks for row in table.rows if row.organisation == seats[0])


# --- the marks ---------------------------------------------------------------------------


def test_marks_present_excused_absent_and_not_recorded(group_a, seats):
    plant(group_a, seats, [PRESENT, EXCUSED, ABSENT, SHEET, NOBODY])
    assert watched_marks(group_a, seats) == ["present", "excused", "absent", "unknown",
                                             "unknown"]


def test_a_person_of_the_organisation_present_counts_for_it(group_a, seats):
    meeting, = plant(group_a, seats, [ABSENT])
    Attendance.objects.create(meeting=meeting, person=PersonFactory(organisation=seats[0]))
    assert watched_marks(group_a, seats) == ["present"]


def test_before_its_seat_an_organisation_is_not_absent(group_a, seats):
    late = OrganisationFactory(name="Spolek Nový")
    MembershipFactory(body=group_a, organisation=late, valid_from=datetime.date(2025, 1, 20))
    plant(group_a, seats, [PRESENT, PRESENT, PRESENT])
    table = participation.participation_table(group_a, participation.counted_meetings(group_a))
    row = next(r for r in table.rows if r.organisation == late)
    assert row.marks == [None, None, "absent"]


def test_unpublished_and_cancelled_meetings_do_not_count(group_a, seats):
    plant(group_a, seats, [ABSENT])
    MeetingFactory(body=group_a, minutes_status=MinutesStatus.SUBMITTED,
                   day=datetime.date(2025, 3, 1))
    MeetingFactory(body=group_a, minutes_status=MinutesStatus.PUBLISHED, status="cancelled",
                   day=datetime.date(2025, 3, 8))
    assert watched_marks(group_a, seats) == ["absent"]


# --- the alert rule ----------------------------------------------------------------------


def test_three_absences_in_a_row_raise_one_alert(group_a, seats,
                                                 django_capture_on_commit_callbacks):
    meetings = plant(group_a, seats, [PRESENT, ABSENT, ABSENT, ABSENT])
    with django_capture_on_commit_callbacks() as callbacks:
        raised = refresh(group_a)
    assert len(raised) == 1 and len(callbacks) == 1
    alert = AbsenceAlert.objects.get()
    assert (alert.organisation, alert.first_meeting, alert.raised_at_meeting) == (
        seats[0], meetings[1], meetings[3])
    assert alert.is_open


def test_two_absences_raise_nothing(group_a, seats):
    plant(group_a, seats, [ABSENT, ABSENT, PRESENT, ABSENT, ABSENT])
    assert refresh(group_a) == [] and not AbsenceAlert.objects.exists()


def test_a_longer_streak_is_still_one_alert(group_a, seats):
    plant(group_a, seats, [ABSENT, ABSENT, ABSENT])
    refresh(group_a)
    plant(group_a, seats, [ABSENT, ABSENT], start=datetime.date(2025, 6, 5))
    assert refresh(group_a) == []
    assert refresh(group_a) == []
    assert AbsenceAlert.objects.count() == 1


def test_an_excuse_breaks_the_streak(group_a, seats):
    """The rule counts absences *without* excuse: excused in between starts
    the count again."""
    plant(group_a, seats, [ABSENT, ABSENT, EXCUSED, ABSENT, ABSENT])
    assert refresh(group_a) == []


def test_a_meeting_whose_minutes_list_nobody_neither_breaks_nor_extends(group_a, seats):
    plant(group_a, seats, [ABSENT, SHEET, ABSENT, NOBODY, ABSENT])
    alert, = refresh(group_a)
    assert alert.first_meeting.starts_on == datetime.date(2025, 1, 9)
    assert alert.raised_at_meeting.starts_on == datetime.date(2025, 2, 6)


def test_attendance_ends_the_alert_and_a_new_streak_raises_a_new_one(group_a, seats):
    meetings = plant(group_a, seats, [ABSENT, ABSENT, ABSENT])
    first, = refresh(group_a)
    more = plant(group_a, seats, [PRESENT, ABSENT, ABSENT], start=datetime.date(2025, 6, 5))
    assert refresh(group_a) == []
    first.refresh_from_db()
    assert first.ended_at_meeting == more[0] and not first.is_open

    plant(group_a, seats, [ABSENT], start=datetime.date(2025, 9, 4))
    second, = refresh(group_a)
    assert second.first_meeting == more[1] and second.is_open
    assert first.first_meeting == meetings[0]
    assert AbsenceAlert.objects.count() == 2


def test_publishing_the_third_minutes_raises_the_alert_once_and_mails_the_body(
        group_a, seats, manager_a, contact_a):
    """Raised by the service that publishes minutes; the manager and the
    contact person get one mail each, queued with the alert."""
    from meetings.mail_kinds import emails_of
    from notifications.models import OutboxMail

    plant(group_a, seats, [ABSENT, ABSENT])
    meeting = MeetingFactory(body=group_a, day=datetime.date(2025, 3, 6))
    MinutesItem.objects.create(meeting=meeting, position=1, title="Různé")
    Attendance.objects.create(meeting=meeting, organisation=seats[1])
    services.minutes_submit(actor=manager_a, meeting=meeting)
    OutboxMail.objects.all().delete()
    services.minutes_publish(actor=contact_a, meeting=meeting)
    alert = AbsenceAlert.objects.get()
    assert alert.raised_at_meeting == meeting
    mails = OutboxMail.objects.filter(kind="absence_alert")
    expected = {*emails_of(group_a.manager), *emails_of(group_a.contact_person)}
    assert sorted(m.recipient for m in mails) == sorted(expected) and manager_a.email in expected
    mail = mails.first()
    assert alert.organisation.name in mail.subject and group_a.name in mail.subject
    assert "6. 3. 2025" in mail.body
    assert mail.link.endswith(f"/meetings/participation/{group_a.code}/")
    # A later publication of the same body raises and mails nothing new.
    participation.absence_alerts_refresh(actor=contact_a, body=group_a)
    assert OutboxMail.objects.filter(kind="absence_alert").count() == len(expected)


# --- the pages ---------------------------------------------------------------------------


def test_the_groups_page_shows_the_marks_and_the_alert(client, group_a, seats, manager_a):
    plant(group_a, seats, [PRESENT, EXCUSED, ABSENT, ABSENT, ABSENT])
    refresh(group_a)
    client.force_login(manager_a)
    html = client.get(reverse("meetings:participation", args=[group_a.code])).content.decode()
    assert "Spolek Sledovaný" in html and "Spolek Věrný" in html
    assert "neomluveně nepřítomen" in html and "omluven" in html and "přítomen" in html
    assert "neomluveně nepřítomna od 23. 1. 2025" in html
    assert 'href="/meetings/participation/A/2025/"' in html


def test_the_last_n_meetings(client, group_a, seats, officer):
    plant(group_a, seats, [PRESENT] * 8)
    client.force_login(officer)
    url = reverse("meetings:participation", args=[group_a.code])
    assert len(client.get(url).context["table"].meetings) == 6
    assert len(client.get(url, {"n": 3}).context["table"].meetings) == 3
    assert len(client.get(url, {"n": "x"}).context["table"].meetings) == 6
    assert len(client.get(url, {"n": 1000}).context["table"].meetings) == 6


def test_the_yearly_table_as_xlsx(client, group_a, seats, officer):
    plant(group_a, seats, [PRESENT, EXCUSED, ABSENT], start=datetime.date(2024, 12, 26))
    client.force_login(officer)
    response = client.get(reverse("meetings:participation_year_xlsx",
                                  args=[group_a.code, 2025]))
    assert response["Content-Disposition"] == 'attachment; filename="ucast-A-2025.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == "Účast 2025"
    assert rows[0] == ["Organizace", "2. 1. 2025", "9. 1. 2025", "přítomen", "omluven",
                       "neomluveně nepřítomen"]
    assert rows[1] == ["Spolek Sledovaný", "omluven", "neomluveně nepřítomen", 0, 1, 1]
    assert rows[2] == ["Spolek Věrný", "přítomen", "přítomen", 2, 0, 0]


def test_the_yearly_page_shows_the_years_meetings(client, group_a, seats, contact_a):
    plant(group_a, seats, [PRESENT, ABSENT], start=datetime.date(2024, 12, 26))
    client.force_login(contact_a)
    response = client.get(reverse("meetings:participation_year", args=[group_a.code, 2024]))
    assert [m.starts_on for m in response.context["table"].meetings] == [
        datetime.date(2024, 12, 26)]
    assert "Účast v roce 2024" in response.content.decode()
    assert client.get(reverse("meetings:participation_year",
                              args=[group_a.code, 3000])).status_code == 404


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_query_counts_do_not_grow_with_the_data(client, group_a, seats, officer):
    plant(group_a, seats, [PRESENT, ABSENT, ABSENT, ABSENT])
    refresh(group_a)
    client.force_login(officer)
    urls = [reverse("meetings:participation", args=[group_a.code]),
            reverse("meetings:participation_year", args=[group_a.code, 2025]),
            reverse("meetings:participation_year_xlsx", args=[group_a.code, 2025]),
            reverse("meetings:participation_index")]
    small = [_queries(client, url) for url in urls]
    for _n in range(20):
        MembershipFactory(body=group_a, organisation=OrganisationFactory())
    plant(group_a, seats, [ABSENT, ABSENT, ABSENT, PRESENT] * 5, start=datetime.date(2025, 6, 5))
    refresh(group_a)
    # The first streak goes on into June, four more follow; the new seats never came.
    assert AbsenceAlert.objects.count() == 1 + 4 + 20
    grown = [_queries(client, url) for url in urls]
    # The session and the user, the group, its years; the meetings, the seats and
    # the attendance of the table; the group's page adds its alerts; the index
    # reads the groups with seats.
    assert small == grown == [8, 7, 6, 3]


def test_an_amendment_that_undoes_the_series_removes_its_alert(group_a, seats, officer):
    meetings = plant(group_a, seats, [ABSENT, ABSENT, ABSENT])
    refresh(group_a)
    services.minutes_amend_open(actor=officer, meeting=meetings[1], reason="Byli tam.")
    services.attendance_create(actor=officer, meeting=meetings[1], organisation=seats[0])
    services.minutes_amend_close(actor=officer, meeting=meetings[1])
    assert not AbsenceAlert.objects.exists()


# --- the chapter of the yearly evaluation ------------------------------------------------


def test_the_yearly_evaluation_carries_the_participation_of_that_year(group_a, seats):
    from meetings.documents import participation_chapter_html
    from reports import kinds
    from reports.models import ReportKind

    plant(group_a, seats, [PRESENT, EXCUSED, ABSENT])
    plant(group_a, seats, [ABSENT], start=datetime.date(2024, 12, 5))
    chapter = participation_chapter_html(2025)
    assert group_a.name in chapter
    assert chapter.count("<th scope=\"col\">") == 3 + 1 + 3  # 3 meetings of 2025 only
    assert "Spolek Sledovaný" in chapter and "Spolek Věrný" in chapter
    html, _title, _name = kinds.BUILDERS[ReportKind.YEARLY_EVALUATION](
        {"year": "2025"}, lambda *args: None)
    assert 'id="participation"' in html and "Spolek Sledovaný" in html
    assert "Spolek Sledovaný" not in participation_chapter_html(2023)


@pytest.mark.fuzz
@given(n=st.one_of(st.sampled_from(["", "0", "-1", "1", "99999999999999999999", "1e3", "\x00",
                                    " 3 ", "٣"]),
                   st.text(max_size=20), st.integers().map(str)))
def test_no_count_of_meetings_breaks_the_page(client, group_a, seats, officer, n):
    """The last N meetings: whatever `n` says, the page answers (the default
    when it is no count)."""
    client.force_login(officer)
    response = client.get(reverse("meetings:participation", args=[group_a.code]), {"n": n})
    assert response.status_code == 200
