"""Sections of the home page that the apps above core contribute (upcoming
meetings, latest minutes and reports, indicator statuses). Core cannot import
them, so each app registers its section in its AppConfig.ready(); the home page
shows the registered ones in their order. A section's `context(request)` returns
a dict of QuerySets or values read with a fixed number of queries, or None when
it has nothing to show.

The home page is in the whole-page cache (core/pagecache.py): any change of
the apps' data makes it stale, so a section needs nothing of its own for that."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomeSection:
    key: str
    order: int
    template: str
    context: Callable


_SECTIONS: dict[str, HomeSection] = {}


def register(section: HomeSection) -> HomeSection:
    _SECTIONS[section.key] = section
    return section


def sections(request):
    """[{"key", "template", "data"}] of the sections that have something to show."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        data = section.context(request)
        if data is not None:
            shown.append({"key": section.key, "template": section.template, "data": data})
    return shown
