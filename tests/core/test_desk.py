"""The desk (core/desk.py): the registry of panels, the desk of each role with
its counts and the filtered lists they link to, and its query count, the
same at small and grown data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core import desk
from meetings.models import AbsenceAlert, MeetingStatus, MinutesStatus, Task
from planning.models import ChangeProposal, CommentModeration, PlanComment, ProposalStatus
from reports.models import JobStatus
from tests.directory.factories import OrganisationFactory
from tests.meetings.factories import MeetingFactory
from tests.planning.factories import PlanFactory
from tests.reports.factories import ReportJobFactory

pytestmark = pytest.mark.django_db

DESK = reverse("core:desk")
DASHBOARD = reverse("meetings:dashboard")


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def desk_html(client, user):
    client.force_login(user)
    response = client.get(DESK)
    assert response.status_code == 200
    return response.content.decode()


def _item(html, href):
    """The desk's line linking `href` (its text and badge), or None."""
    marker = f'<a href="{href}">'
    if marker not in html:
        return None
    start = html.index(marker)
    return html[start:html.index("</li>", start)]


def _badge(html, href):
    line = _item(html, href)
    assert line is not None, f"no desk item links {href}"
    return line.split('<span class="badge">')[1].split("</span>")[0]


# --- the registry -------------------------------------------------------------------


@pytest.fixture
def only_panels(monkeypatch):
    """The desk with just the panels a test registers."""
    monkeypatch.setattr(desk, "_PANELS", {})


def test_panels_show_in_their_order_most_urgent_first_without_zero_counts(only_panels):
    desk.register_panel("later", order=20, title="Later", function=lambda user, *, today: [
        desk.DeskItem(label="info", url="/i/", count=3, urgency=desk.Urgency.INFO),
        desk.DeskItem(label="urgent", url="/u/", count=1, urgency=desk.Urgency.URGENT),
        desk.DeskItem(label="nothing", url="/n/", count=0),
    ])
    desk.register_panel("first", order=10, title="First",
                        function=lambda user, *, today: [desk.DeskItem(label="x", url="/x/")])
    desk.register_panel("empty", order=5, title="Empty", function=lambda user, *, today: [])

    panels = desk.desk_for(None, today=datetime.date(2026, 1, 1))

    assert [p["key"] for p in panels] == ["first", "later"]
    assert [i.label for i in panels[1]["items"]] == ["urgent", "info"]


def test_a_key_registered_twice_with_another_function_is_refused(only_panels):
    def panel(user, *, today):
        return []

    desk.register_panel("one", order=1, function=panel)
    desk.register_panel("one", order=1, function=panel)  # the same again: harmless
    with pytest.raises(ValueError):
        desk.register_panel("one", order=1, function=lambda user, *, today: [])


# --- who sees what --------------------------------------------------------------------


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_signing_in_lands_on_the_desk(settings):
    assert reverse(settings.LOGIN_REDIRECT_URL) == DESK


def test_an_empty_desk_says_so_in_czech(client, plain_user):
    html = desk_html(client, plain_user)
    assert "Nic na vás momentálně nečeká." in html
    assert 'class="desk-panel"' not in html


def test_the_header_links_the_desk_for_signed_in_users(client, plain_user):
    assert f'href="{DESK}"' not in client.get(reverse("directory:group_list")).content.decode()
    client.force_login(plain_user)
    assert f'href="{DESK}"' in client.get(reverse("directory:group_list")).content.decode()


def _officer_world(manager_a):
    plan = PlanFactory(code="kp", title="Komunitní plán")
    for _n in range(2):
        ChangeProposal.objects.create(plan=plan, kind="new", proposed_by=manager_a)
    ChangeProposal.objects.create(plan=plan, kind="new", proposed_by=manager_a,
                                  status=ProposalStatus.ACCEPTED, decided_by=manager_a,
                                  decided_at=timezone.now())
    for moderation in ("pending", "pending", "pending", "published"):
        PlanComment.objects.create(plan=plan, text="Připomínka", moderation=moderation)
    MeetingFactory(minutes_status=MinutesStatus.SUBMITTED)
    MeetingFactory(minutes_status=MinutesStatus.DRAFT)
    ReportJobFactory(status=JobStatus.FAILED)
    ReportJobFactory(status=JobStatus.QUEUED)
    ReportJobFactory(status=JobStatus.RUNNING)
    return plan


def test_the_officers_desk_counts_and_links_the_filtered_lists(client, officer, manager_a):
    plan = _officer_world(manager_a)
    html = desk_html(client, officer)

    proposals = reverse("planning:proposal_list", args=[plan.code]) + "?status=pending"
    assert _badge(html, proposals) == "2"
    assert "Návrhy změn k rozhodnutí: Komunitní plán" in _item(html, proposals)
    comments = reverse("planning:comment_moderation", args=[plan.code]) + "?moderation=pending"
    assert _badge(html, comments) == "3"
    assert _badge(html, f"{DASHBOARD}#verify-heading") == "1"
    assert _badge(html, reverse("reports:manage") + "?status=failed") == "1"
    assert _badge(html, reverse("reports:manage") + "?status=waiting") == "2"


def test_the_desks_links_open_lists_filtered_to_the_counted_rows(client, officer, manager_a):
    plan = _officer_world(manager_a)
    client.force_login(officer)
    proposals = list(client.get(reverse("planning:proposal_list", args=[plan.code]),
                                {"status": "pending"}).context["page"])
    assert {p.status for p in proposals} == {ProposalStatus.PENDING} and len(proposals) == 2
    jobs = client.get(reverse("reports:manage"), {"status": "waiting"}).context["jobs"]
    assert sorted(j.status for j in jobs) == ["queued", "running"]
    jobs = client.get(reverse("reports:manage"), {"status": "failed"}).context["jobs"]
    assert [j.status for j in jobs] == ["failed"]


def _manager_world(group_a, manager_a, member_a, contact_a):
    MeetingFactory(body=group_a, status=MeetingStatus.PLANNED, day=days(10))
    MeetingFactory(body=group_a, status=MeetingStatus.PLANNED, day=days(40))
    MeetingFactory(body=group_a, day=days(-20))  # held, minutes still a draft
    MeetingFactory(body=group_a, minutes_status=MinutesStatus.RETURNED, day=days(-50))
    MeetingFactory(body=group_a, status=MeetingStatus.CANCELLED, day=days(-30))
    held = MeetingFactory(body=group_a, minutes_status=MinutesStatus.PUBLISHED, day=days(-60))
    Task.objects.create(meeting=held, description="Rozeslat pozvánku", deadline=days(-1))
    Task.objects.create(meeting=held, description="Připravit podklady", deadline=days(5),
                        owner_person=member_a.person)
    Task.objects.create(meeting=held, description="Hotovo", status="done")
    plan = PlanFactory(code="kp2", title="Plán skupiny")
    ChangeProposal.objects.create(plan=plan, kind="new", proposed_by=manager_a,
                                  status=ProposalStatus.REJECTED, decided_at=timezone.now(),
                                  decided_by=manager_a)
    ChangeProposal.objects.create(
        plan=plan, kind="new", proposed_by=manager_a, status=ProposalStatus.REJECTED,
        decided_at=timezone.now() - datetime.timedelta(days=90), decided_by=manager_a)
    organisation = OrganisationFactory(name="Spolek Nepřítomných")
    second = MeetingFactory(body=group_a, minutes_status=MinutesStatus.PUBLISHED, day=days(-55))
    AbsenceAlert.objects.create(body=group_a, organisation=organisation, first_meeting=held,
                                raised_at_meeting=second)
    return plan


def test_the_managers_desk(client, group_a, manager_a, member_a, contact_a):
    plan = _manager_world(group_a, manager_a, member_a, contact_a)
    html = desk_html(client, manager_a)

    assert f"Další jednání skupiny {group_a.name}: {days(10):%-d. %-m. %Y}" in html
    assert f"{days(40):%-d. %-m. %Y}" not in html  # the next one only
    assert _badge(html, f"{DASHBOARD}?minutes_status=returned#finish-heading") == "1"
    assert _badge(html, f"{DASHBOARD}?minutes_status=draft#finish-heading") == "1"
    assert "Vrácené zápisy k opravě" in html and "Zápisy, které je třeba napsat" in html
    assert _badge(html, reverse("meetings:participation", args=[group_a.code])) == "1"
    rejected = reverse("planning:proposal_list", args=[plan.code]) + "?status=rejected"
    assert _badge(html, rejected) == "1"
    assert "Otevřené úkoly vašich skupin po termínu" in html
    assert _badge(html, f"{DASHBOARD}?scope=managed&amp;overdue=true#tasks-heading") == "1"
    assert _badge(html, f"{DASHBOARD}?scope=managed#tasks-heading") == "2"
    assert "scope=mine" not in html  # none of their own


def test_the_next_meeting_of_each_group_a_manager_runs(client, group_a, group_b, manager_a):
    group_b.manager = manager_a.person
    group_b.save()
    for day in range(3, 10):
        MeetingFactory(body=group_a, status=MeetingStatus.PLANNED, day=days(day))
    MeetingFactory(body=group_b, status=MeetingStatus.PLANNED, day=days(30))
    MeetingFactory(body=group_b, status=MeetingStatus.PLANNED, day=days(120))  # too far
    html = desk_html(client, manager_a)
    assert html.count("Další jednání skupiny") == 2
    assert f"Další jednání skupiny {group_a.name}: {days(3):%-d. %-m. %Y}" in html
    assert f"Další jednání skupiny {group_b.name}: {days(30):%-d. %-m. %Y}" in html


def test_the_managers_links_open_the_counted_rows(client, group_a, manager_a, member_a,
                                                   contact_a):
    _manager_world(group_a, manager_a, member_a, contact_a)
    client.force_login(manager_a)

    def listed(name, **query):
        return client.get(DASHBOARD, query).context[name]

    assert [m.minutes_status for m in listed("to_finish", minutes_status="returned")] == [
        "returned"]
    assert [m.starts_on for m in listed("to_finish", minutes_status="draft")] == [days(-20)]
    assert len(listed("to_finish")) == 2  # the cancelled meeting has nothing to write
    assert [t.description for t in listed("open_tasks", scope="managed", overdue="true")] == [
        "Rozeslat pozvánku"]
    assert len(listed("open_tasks", scope="managed")) == 2
    assert listed("open_tasks", scope="mine") == []
    client.force_login(member_a)
    assert [t.description for t in listed("open_tasks", scope="mine")] == [
        "Připravit podklady"]
    page = client.get(DASHBOARD, {"scope": "mine"}).content.decode()
    assert "Seznamy úkolů a zápisů níže jsou filtrované." in page


def test_the_members_desk_has_their_own_tasks_only(client, group_a, manager_a, member_a,
                                                   contact_a):
    _manager_world(group_a, manager_a, member_a, contact_a)
    html = desk_html(client, member_a)
    assert "Vaše otevřené úkoly" in html
    assert _badge(html, f"{DASHBOARD}?scope=mine#tasks-heading") == "1"
    assert "skupin" not in html.split("<main")[1]
    assert reverse("meetings:participation", args=[group_a.code]) not in html


def test_the_contact_persons_desk_has_the_alert_and_minutes_to_verify(
        client, group_a, manager_a, member_a, contact_a):
    _manager_world(group_a, manager_a, member_a, contact_a)
    MeetingFactory(body=group_a, minutes_status=MinutesStatus.SUBMITTED)
    MeetingFactory(minutes_status=MinutesStatus.SUBMITTED)  # another group's
    html = desk_html(client, contact_a)
    assert _badge(html, f"{DASHBOARD}#verify-heading") == "1"
    assert _badge(html, reverse("meetings:participation", args=[group_a.code])) == "1"


def test_an_implementers_desk_has_their_organisations_tasks(client, implementer_x, group_a):
    meeting = MeetingFactory(body=group_a, minutes_status=MinutesStatus.PUBLISHED)
    Task.objects.create(meeting=meeting, description="Dodat data",
                        owner_organisation=implementer_x.implementer_organisation)
    html = desk_html(client, implementer_x)
    assert _badge(html, f"{DASHBOARD}?scope=mine#tasks-heading") == "1"
    client.force_login(implementer_x)
    assert "Dodat data" in client.get(DASHBOARD, {"scope": "mine"}).content.decode()


# --- query counts -----------------------------------------------------------------------


def _count(client, user):
    client.force_login(user)
    client.get(DESK)  # warm the process-wide caches (content types, the city)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DESK).status_code == 200
    return len(queries)


def _grow(group_a, manager_a, member_a, times):
    for n in range(times):
        plan = PlanFactory(code=f"grown-{n}", title=f"Plán {n}")
        ChangeProposal.objects.create(plan=plan, kind="new", proposed_by=manager_a)
        ChangeProposal.objects.create(plan=plan, kind="new", proposed_by=manager_a,
                                      status=ProposalStatus.REJECTED, decided_at=timezone.now(),
                                  decided_by=manager_a)
        PlanComment.objects.create(plan=plan, text="x", moderation=CommentModeration.PENDING)
        meeting = MeetingFactory(body=group_a, minutes_status=MinutesStatus.SUBMITTED,
                                 day=days(-100 - n))
        MeetingFactory(body=group_a, status=MeetingStatus.PLANNED, day=days(2 + n))
        Task.objects.create(meeting=meeting, description="t", owner_person=member_a.person)
        ReportJobFactory(status=JobStatus.FAILED, plan=plan)
        AbsenceAlert.objects.create(body=group_a, organisation=OrganisationFactory(),
                                    first_meeting=meeting, raised_at_meeting=MeetingFactory(
                                        body=group_a, minutes_status=MinutesStatus.PUBLISHED))


# The session and the user (2); the groups the user manages and is the contact
# person of (1 each, none for an officer without a person); then one query a
# panel that concerns the role: officer 6 (proposals, comments, minutes to
# verify, report runs, submissions in rounds, rounds near their deadline),
# manager 5 (proposals rejected, next meetings, minutes to write, alerts,
# tasks), contact person 3 (minutes to verify, alerts, tasks), member 1 (tasks).
PINNED = {"officer": 8, "manager_a": 9, "contact_a": 7, "member_a": 5}


def test_the_desks_query_count_is_the_same_at_small_and_grown_data(
        client, officer, group_a, manager_a, member_a, contact_a):
    users = {"officer": officer, "manager_a": manager_a, "contact_a": contact_a,
             "member_a": member_a}
    _officer_world(manager_a)
    _manager_world(group_a, manager_a, member_a, contact_a)
    small = {role: _count(client, user) for role, user in users.items()}
    _grow(group_a, manager_a, member_a, 30)
    grown = {role: _count(client, user) for role, user in users.items()}
    assert small == grown
    assert grown == PINNED


@pytest.mark.fuzz
@given(query=st.dictionaries(st.sampled_from(["scope", "overdue", "minutes_status"]),
                             st.one_of(st.sampled_from(["mine", "managed", "true", "false",
                                                        "draft", "returned", "", "\x00"]),
                                       st.text(max_size=30))))
def test_no_filter_value_breaks_the_dashboard(client, manager_a, query):
    client.force_login(manager_a)
    assert client.get(DASHBOARD, query).status_code == 200
