"""The indicators' part of the home page (core/home.py): how many public
indicators are on track, improving, off the trend, without data or target, as
a small SVG bar chart with its text alternative. One query."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from core.home import HomeSection, register

from .models import Indicator, Status
from .permissions import can_view_indicator
from .selectors import status_counts

# The chart's geometry in SVG units (it scales to the width of its column).
WIDTH, LABEL_HEIGHT, BAR_HEIGHT, ROW_GAP, BAR_MAX = 400, 16, 14, 10, 340


def context(request):
    # The public figures: the home page is the same for every reader (and cached).
    public = can_view_indicator.filter(AnonymousUser(), Indicator.objects.all())
    counts = status_counts(public)
    total = sum(counts.values())
    if not total:
        return None
    rows, y, largest = [], 0, max(counts.values())
    for status, label in Status.choices:
        count = counts.get(status, 0)
        width = round(BAR_MAX * count / largest) if count else 0
        rows.append({
            "status": status, "label": label, "count": count,
            "url": f"{reverse('indicators:list')}?status={status}",
            "label_y": y + LABEL_HEIGHT - 4, "bar_y": y + LABEL_HEIGHT,
            "bar_width": max(width, 1 if count else 0),
            "count_x": width + 6, "count_y": y + LABEL_HEIGHT + BAR_HEIGHT - 2,
        })
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return {"rows": rows, "total": total, "width": WIDTH, "height": y - ROW_GAP,
            "bar_height": BAR_HEIGHT}


def register_home():
    register(HomeSection(key="indicators", order=30, template="indicators/_home.html",
                         context=context))
