"""The signed-in user's desk (`/desk/`): what waits for them, gathered from the
apps above core. Core cannot import them, so each app registers its panels in
its AppConfig.ready() with `register_panel`; the desk asks every panel in its
order and shows the ones that return something.

A panel's `function(user, *, today)` returns a list of `DeskItem`s: a label, a
count, the URL of the list filtered to exactly those rows, and an urgency. It
decides itself whether the user's roles concern it, and returns [] without a
query when they do not; otherwise it reads with at most one query, whatever
the amount of data (the desk's query count is pinned in the tests)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    """How soon the item needs the user: `urgent` is shown first and marked."""

    URGENT = "urgent", _("urgent")
    NORMAL = "normal", _("to do")
    INFO = "info", _("for information")


_URGENCY_RANK = {Urgency.URGENT: 0, Urgency.NORMAL: 1, Urgency.INFO: 2}


@dataclass(frozen=True)
class DeskItem:
    label: str
    url: str
    count: int | None = None
    urgency: str = Urgency.NORMAL


@dataclass(frozen=True)
class DeskPanel:
    key: str
    order: int
    function: Callable
    title: str = ""


_PANELS: dict[str, DeskPanel] = {}


def register_panel(key, *, order, function, title=""):
    """Add a panel; `title` is the heading shown above its items (a lazy
    translation), else the items stand alone."""
    if key in _PANELS and _PANELS[key].function is not function:
        raise ValueError(f"The desk panel “{key}” is registered twice.")
    _PANELS[key] = DeskPanel(key=key, order=order, function=function, title=title)
    return _PANELS[key]


def registered_panels():
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def desk_for(user, *, today):
    """[{"key", "title", "items"}] of the panels that have something for the
    user, in their order; the items of a panel most urgent first."""
    shown = []
    for panel in registered_panels():
        items = [item for item in panel.function(user, today=today) if item.count != 0]
        if items:
            items.sort(key=lambda item: _URGENCY_RANK.get(item.urgency, 1))
            shown.append({"key": panel.key, "title": panel.title, "items": items})
    return shown
