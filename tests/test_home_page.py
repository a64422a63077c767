"""The home page shows what a citizen looks for: the next announced meetings,
the latest published minutes and reports, and the indicators' statuses as a
small chart with its text alternative; never a draft, and fresh after a change
although it is served from the page cache."""

import datetime
import re

import pytest
from django.utils import timezone

from core import pagecache
from indicators.models import Indicator, Status
from meetings.models import MeetingStatus
from tests.indicators.factories import IndicatorFactory
from tests.meetings.factories import MeetingFactory
from tests.reports.factories import ReportJobFactory

pytestmark = pytest.mark.django_db


def _home(client):
    pagecache.invalidate()
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_home_lists_upcoming_meetings_and_latest_minutes_never_a_draft(client):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    upcoming = MeetingFactory(status=MeetingStatus.PLANNED, day=soon, title="Plánování 2026")
    MeetingFactory(status=MeetingStatus.PLANNED, title="Loňské plánování",
                   day=timezone.localdate() - datetime.timedelta(days=400))
    published = MeetingFactory.with_minutes(minutes_status="published", title="Zveřejněný zápis")
    MeetingFactory.with_minutes(title="Rozepsaný koncept")
    page = _home(client)
    upcoming_part = page[page.index('id="home-upcoming"'):page.index('id="home-minutes"')]
    assert "Plánování 2026" in upcoming_part and upcoming.get_absolute_url() in upcoming_part
    assert soon.strftime("%-d. %-m. %Y") in upcoming_part
    assert "Loňské plánování" not in upcoming_part  # past
    minutes_part = page[page.index('id="home-minutes"'):]
    assert "Zveřejněný zápis" in minutes_part and published.get_absolute_url() in minutes_part
    assert "Rozepsaný koncept" not in page


def test_home_lists_published_reports_only(client):
    shown = ReportJobFactory.finished(published=True, title="Vyhodnocení zveřejněné")
    ReportJobFactory.finished(title="Vyhodnocení nezveřejněné")
    page = _home(client)
    assert "Vyhodnocení zveřejněné" in page and f"/reports/{shown.pk}/" in page
    assert "Vyhodnocení nezveřejněné" not in page


def test_home_summarises_indicator_statuses_as_an_accessible_chart(client):
    for _ in range(3):
        IndicatorFactory()
    Indicator.objects.filter(pk=Indicator.objects.first().pk).update(status=Status.OFF_TRACK)
    page = _home(client)
    chart = re.search(r'<svg viewBox="[^"]+" role="img" aria-labelledby="([^"]+)".*?</svg>',
                      page, re.S)
    assert chart, "no chart"
    for label_id in chart.group(1).split():
        assert f'id="{label_id}"' in chart.group(0)  # title and desc inside the svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", chart.group(0), re.S).group(1)
    assert "Mimo očekávaný trend: 1" in desc
    assert len(re.findall(r'class="status-bar status-bar-', chart.group(0))) == 2
    assert "style=" not in chart.group(0)  # strict CSP: classes only
    assert "/indicators/?status=off_track" in page


def test_home_is_fresh_after_a_change_although_cached(client):
    client.get("/")  # fills the page cache
    assert client.get("/")["Cache-Control"].startswith("public")
    MeetingFactory.with_minutes(minutes_status="published", title="Právě zveřejněno")
    assert "Právě zveřejněno" in client.get("/").content.decode()
