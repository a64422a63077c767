"""Filters of the public plan page, applied in Python to the tree that
`selectors.plan_items` + `build_tree` loaded, so the page runs the same
queries whatever is filtered and however big the plan is.

A filtered tree keeps the ancestors of every matching measure, so a reader
always sees under which area and goal a measure sits.

* area: one top-level item (a thematic area in the PSZ, a goal in a
  community plan) and everything below it;
* status, implementer: conditions on measures (items of a level with the
  role "measure"); an item above the measures stays only when some measure
  below it matches;
* working group, search text: an item matches when it or one of its
  ancestors does (a goal assigned to a working group covers its measures;
  searching "2.1" finds the goal 2.1 with all its measures).
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import PortalForm

from .models import LevelRole, MeasureStatus
from .selectors import Node

NO_STATUS = "none"


def is_measure(item):
    return item.level.role == LevelRole.MEASURE


class PlanFilterForm(PortalForm):
    """GET parameters of the plan page. Choices come from the loaded items
    (selectors.plan_tree_items: their `implementer_list` and `group_list`), so
    building the form costs no query; an unknown value is reported on the
    field and that filter is left out (never a server error)."""

    q = forms.CharField(label=_("Search in codes and titles"), required=False, max_length=200)
    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Measure status"), required=False)
    implementer = forms.TypedChoiceField(label=_("Implementer"), required=False, coerce=int,
                                         empty_value=None)
    group = forms.ChoiceField(label=_("Working group"), required=False)

    def __init__(self, data=None, *, items, roots, top_level_name=None, **kwargs):
        super().__init__(data, **kwargs)
        everything = [("", _("all"))]
        self.fields["area"].choices = everything + [
            (node.item.pk, _label(node.item)) for node in roots
        ]
        if top_level_name:
            self.fields["area"].label = top_level_name
        self.fields["status"].choices = everything + [
            (value, capfirst(label)) for value, label in MeasureStatus.choices] + [
            (NO_STATUS, _("status not given")),
        ]
        organisations, groups = {}, {}
        for item in items:
            for link in item.implementer_list:
                organisations.setdefault(link.organisation_id, link.organisation.name)
            for group in item.group_list:
                groups.setdefault(group.code, group.name)
        self.fields["implementer"].choices = everything + sorted(
            organisations.items(), key=lambda pair: pair[1].casefold()
        )
        self.fields["group"].choices = everything + sorted(
            groups.items(), key=lambda pair: pair[1].casefold()
        )
        for name, bound in self.fields.items():
            bound.widget.attrs.setdefault("id", f"filter-{name}")

    def criteria(self):
        """The valid filters only: an invalid one is dropped, not fatal."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Criteria(
            q=(data.get("q") or "").strip(),
            area=data.get("area"),
            status=data.get("status") or "",
            implementer=data.get("implementer"),
            group=data.get("group") or "",
        )


def _label(item):
    return f"{item.code} {item.title}".strip() if item.code else item.title


@dataclass(frozen=True)
class Criteria:
    q: str = ""
    area: int | None = None
    status: str = ""
    implementer: int | None = None
    group: str = ""

    @property
    def active(self):
        return bool(self.q or self.area or self.status or self.implementer or self.group)

    @property
    def measure_conditions(self):
        return bool(self.status or self.implementer)

    def text_hit(self, item):
        needle = self.q.casefold()
        return needle in item.code.casefold() or needle in item.title.casefold()

    def group_hit(self, item):
        return any(g.code == self.group for g in item.group_list)

    def measure_hit(self, item):
        if self.status:
            wanted = "" if self.status == NO_STATUS else self.status
            if item.status != wanted:
                return False
        return self.implementer is None or any(
            link.organisation_id == self.implementer for link in item.implementer_list
        )


@dataclass
class FilterResult:
    roots: list
    matching_measures: int = 0
    total_measures: int = 0
    matched_pks: set = field(default_factory=set)


def filter_tree(roots, criteria):
    """A pruned copy of the tree (new Node objects; the items are shared)."""
    total = sum(1 for root in roots for node in root.walk() if is_measure(node.item))
    if criteria.area is not None:
        roots = [root for root in roots if root.item.pk == criteria.area]
    if not criteria.active or (criteria.area is not None and not (
            criteria.q or criteria.group or criteria.measure_conditions)):
        matching = sum(1 for root in roots for node in root.walk() if is_measure(node.item))
        return FilterResult(roots=list(roots), matching_measures=matching, total_measures=total)

    result = FilterResult(roots=[], total_measures=total)

    def keep(node, text_ok, group_ok):
        item = node.item
        text_ok = text_ok or not criteria.q or criteria.text_hit(item)
        group_ok = group_ok or not criteria.group or criteria.group_hit(item)
        children = [kept for child in node.children
                    if (kept := keep(child, text_ok, group_ok)) is not None]
        measure = is_measure(item)
        if measure:
            hit = text_ok and group_ok and criteria.measure_hit(item)
        else:
            hit = text_ok and group_ok and not criteria.measure_conditions
        if hit:
            result.matched_pks.add(item.pk)
            if measure:
                result.matching_measures += 1
        if hit or children:
            return Node(item, children)
        return None

    result.roots = [kept for root in roots if (kept := keep(root, False, False)) is not None]
    return result
