"""Dashboard, events, the open dataset, what the public sees of a planned
meeting, and the SQLite search fallback."""

import datetime
import json

import pytest
from django.urls import reverse

from meetings import search, selectors
from meetings.models import Event, Meeting, MinutesItem

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_dashboard_shows_each_role_its_work(client, manager_a, contact_a, group_a, group_b):
    draft = MeetingFactory.with_minutes(body=group_a, day=datetime.date(2025, 1, 10))
    submitted = MeetingFactory.with_minutes(body=group_a, minutes_status="submitted")
    other = MeetingFactory.with_minutes(body=group_b, minutes_status="submitted")
    client.force_login(manager_a)
    page = client.get(reverse("meetings:dashboard"))
    assert draft in page.context["to_finish"] and not page.context["to_verify"]
    assert {t.meeting_id for t in page.context["open_tasks"]} == {draft.pk, submitted.pk}
    client.force_login(contact_a)
    page = client.get(reverse("meetings:dashboard"))
    assert page.context["to_verify"] == [submitted]
    assert other not in page.context["to_verify"]


def test_planned_meeting_is_announced_without_draft_minutes(client, group_a):
    planned = MeetingFactory.with_minutes(body=group_a, status="planned",
                                          day=datetime.date(2030, 5, 5))
    MinutesItem.objects.filter(meeting=planned).update(title="Tajný koncept")
    page = client.get(reverse("meetings:detail", args=[planned.pk])).content.decode()
    assert "5. 5. 2030" in page and "Tajný koncept" not in page
    assert client.get(reverse("meetings:pdf", args=[planned.pk])).status_code == 404


def test_dataset(client, group_a):
    meeting = MeetingFactory.with_minutes(body=group_a, minutes_status="published")
    MeetingFactory.with_minutes(body=group_a, day=datetime.date(2025, 5, 5))
    data = json.loads(client.get("/data/meetings.json").content)
    assert [row["date"] for row in data["rows"]] == ["2025-01-16"]
    assert data["rows"][0]["link"] == reverse("meetings:detail", args=[meeting.pk])
    assert data["rows"][0]["body"] == group_a.name
    csv = client.get("/data/meetings.csv").content.decode()
    assert "2025-01-16" in csv and "date" in csv.splitlines()[0]


def test_officer_records_an_event_shown_in_the_calendar(client, officer):
    client.force_login(officer)
    response = client.post(reverse("meetings:event_create"), {
        "title": "Kulatý stůl k předluženým rodinám", "kind": "round_table",
        "starts_on": "2023-11-01", "month_only": "on", "link": "https://ostrava.cz"})
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.month_only
    assert list(selectors.timeline_events(year=2023)) == [event]
    feed = client.get(reverse("meetings:calendar")).content.decode()
    assert "Kulatý stůl" in feed
    response = client.post(reverse("meetings:event_update", args=[event.pk]), {
        "title": "Kulatý stůl", "kind": "round_table", "starts_on": "2023-11-01",
        "ends_on": "2023-10-01", "version": event.version})
    assert response.status_code == 200
    assert Event.objects.get().title.startswith("Kulatý stůl k")


def test_the_event_forms_go_back_to_the_event_list(client, officer):
    """An event has no page of its own: the form's back link ("../" once,
    which answered 404 on the edit form) goes to the list, and answers."""
    event = Event.objects.create(title="Kulatý stůl", kind="round_table",
                                 starts_on=datetime.date(2023, 11, 1))
    client.force_login(officer)
    for url in (reverse("meetings:event_create"),
                reverse("meetings:event_update", args=[event.pk])):
        html = client.get(url).content.decode()
        assert f'href="{reverse("meetings:events")}" class="cancel"' in html, url
    assert client.get(reverse("meetings:events")).status_code == 200


def test_an_event_of_a_plan_but_of_none_of_its_areas(client, officer):
    """The officer may tie an event to a plan without an area; an area of
    another plan than the one chosen is refused with a message, nothing saved."""
    from tests.planning.factories import PlanFactory, PlanItemFactory

    plan, other = PlanFactory(), PlanFactory()
    other_area = PlanItemFactory(plan=other)
    client.force_login(officer)
    form = {"title": "Workshop k vizualizaci dat", "kind": "workshop",
            "starts_on": "2023-12-01", "month_only": "on", "plan": plan.pk}
    response = client.post(reverse("meetings:event_create"),
                           {**form, "plan_area": other_area.pk})
    assert response.status_code == 200
    assert "plan_area" in response.context["form"].errors
    assert not Event.objects.exists()
    response = client.post(reverse("meetings:event_create"), form)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.plan == plan and event.plan_area is None
    own_area = PlanItemFactory(plan=plan)
    response = client.post(reverse("meetings:event_update", args=[event.pk]),
                           {**form, "plan_area": own_area.pk, "version": event.version})
    assert response.status_code == 302
    assert Event.objects.get().plan_area == own_area


def test_sqlite_fallback(group_a, monkeypatch):
    meeting = MeetingFactory.with_minutes(body=group_a, minutes_status="published")
    MinutesItem.objects.create(meeting=meeting, position=2, title="Vykazování ukazatelů")
    from meetings.services import refresh_meeting

    refresh_meeting(meeting)

    class FakeConnection:
        vendor = "sqlite"

    monkeypatch.setattr(search, "connection", FakeConnection())
    qs = Meeting.objects.published()
    assert list(search.search(qs, "VYKAZOVANI Ukazatelům")) == [meeting]
    assert list(search.search(qs, "vykazování neexistuje")) == []


@pytest.mark.parametrize(("word", "stem"), [
    ("dobrovolníci", "dobrovolni"), ("dobrovolník", "dobrovolni"),
    ("dobrovolnících", "dobrovolni"), ("pracovníkům", "pracovni"), ("zápisu", "zapis"),
])
def test_czech_stems_meet_across_declension(word, stem):
    assert search.stem(search.normalise(word)) == stem


def _minutes_with_volunteers(group_a):
    meeting = MeetingFactory.with_minutes(body=group_a, minutes_status="published")
    MinutesItem.objects.create(
        meeting=meeting, position=2, title="Nábor",
        text_html="<p>Skupina projednala práci s dobrovolníky. Každý dobrovolník dostane "
                  "průkaz & smlouvu.</p>")
    from meetings.services import refresh_meeting

    refresh_meeting(meeting)
    return meeting


def test_search_finds_a_word_in_another_form_and_shows_the_passage(client, group_a, settings):
    """PostgreSQL: ts_headline marks the matching words in the list."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    meeting = _minutes_with_volunteers(group_a)
    qs = Meeting.objects.published()
    assert list(search.search(qs, "dobrovolníci")) == [meeting]
    assert list(search.search(qs, "dobrovolníky")) == [meeting]
    page = client.get(reverse("meetings:list"), {"q": "dobrovolníci"}).content.decode()
    assert 'class="search-passage"' in page, page[page.find("<table"):page.find("</table>")]
    # The passage as the minutes print it: accents, capitals (#15), not the
    # accent-free lower-case text the search matches in.
    assert "<mark>dobrovolník</mark>" in page and "<mark>dobrovolníky</mark>" in page
    assert "Skupina projednala práci s" in page
    assert "&amp; smlouvu" in page  # the passage is escaped, only the marks are HTML
    assert "&amp;amp;" not in page


def test_sqlite_search_shows_the_passage_too(client, group_a, monkeypatch):
    meeting = _minutes_with_volunteers(group_a)

    class FakeConnection:
        vendor = "sqlite"

    monkeypatch.setattr(search, "connection", FakeConnection())
    found = list(search.search(Meeting.objects.published(), "dobrovolníci"))
    assert found == [meeting]
    passage = search.passage_html(search.passage_of(found[0]))
    assert "<mark>dobrovolník</mark>" in passage and "<mark>dobrovolníky</mark>" in passage
    assert "Skupina projednala práci s" in passage


def test_paragraphs_are_separate_words_in_the_search_and_its_passage(client, group_a):
    """Two paragraphs (or list items) of the minutes are not glued into one word:
    "webu" ending one and "Odborová" starting the next are both found."""
    meeting = MeetingFactory.with_minutes(body=group_a, minutes_status="published")
    MinutesItem.objects.create(
        meeting=meeting, position=2, title="Různé",
        text_html="<p>Úprava webu</p><p>Odborová značka</p><ul><li>5. 12.</li>"
                  "<li>Den dobrovolníků</li></ul>")
    from meetings.services import refresh_meeting

    refresh_meeting(meeting)
    found = list(search.search(Meeting.objects.published(), "odborová"))
    assert found == [meeting]
    passage = search.passage_html(search.passage_of(found[0]))
    assert "Úprava webu <mark>Odborová</mark> značka 5. 12. Den dobrovolníků" in passage
