"""Reads for plans: the whole tree of a plan in a fixed number of queries, and
the data checks that flag what the published source got wrong."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.models import AuditAction, AuditEntry
from directory.permissions import managed_group_ids

from . import checks
from .checks import Finding
from .models import ItemYearSummary, LevelRole, PlanItem, PlanItemImplementer


def plan_items(plan):
    """Every item of a plan with what its page shows: 5 queries, any size."""
    return (
        PlanItem.objects.filter(plan=plan)
        .select_related("level")
        .prefetch_related(
            Prefetch("implementer_links",
                     queryset=PlanItemImplementer.objects.select_related("organisation")),
            "working_groups",
            Prefetch("summaries", queryset=ItemYearSummary.objects.order_by("-year")),
        )
        .order_by("parent_id", "position", "sort_key", "id")
    )


def plan_tree_items(plan):
    """Every item of a plan for the plan's page: `plan_items`, with the
    implementers, working groups and year summaries as plain lists
    (`implementer_list`, `group_list`, `summary_list`): prefetched into a
    list, not into a related manager and a filtered queryset per item (a
    quarter of the page's time for a plan of 88 items). 5 queries, any size."""
    return (
        PlanItem.objects.filter(plan=plan)
        .select_related("level")
        .prefetch_related(
            Prefetch("implementer_links", to_attr="implementer_list",
                     queryset=PlanItemImplementer.objects.select_related("organisation")),
            Prefetch("working_groups", to_attr="group_list"),
            Prefetch("summaries", to_attr="summary_list",
                     queryset=ItemYearSummary.objects.order_by("-year")),
        )
        .order_by("parent_id", "position", "sort_key", "id")
    )


@dataclass
class Node:
    item: PlanItem
    children: list = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def build_tree(items):
    """Nest a flat list of items (already ordered by position) into Nodes."""
    nodes = {item.pk: Node(item) for item in items}
    roots = []
    for item in items:
        node = nodes[item.pk]
        if item.parent_id is None:
            roots.append(node)
        elif item.parent_id in nodes:
            nodes[item.parent_id].children.append(node)
    return roots


# --- Counting measures ------------------------------------------------------------
#
# A published plan may print one measure twice (001 prints 2.1.3.3 before and
# after 2.1.3.4, with the same title and data). Both rows are kept as
# published; every count is of measures: a row printing again the code and
# title of a measure printed earlier in the plan is a repeat, not a measure.
# Two measures that share a code but not a title (001's 3.2.1.1 under 2.1.2
# and under 3.2.1) are two measures.


def measure_key(item):
    """What makes two rows of a plan the same measure: code and title."""
    return (item.code or "").strip(), (item.title or "").strip()


def repeated_measures(roots):
    """{pk of a measure row that repeats an earlier row: that earlier item},
    over the tree `roots` in printed order. Rows without a code are never
    repeats. No queries (the items' levels are already loaded)."""
    first, repeats = {}, {}
    for root in roots:
        for node in root.walk():
            item = node.item
            if item.level.role != LevelRole.MEASURE or not (item.code or "").strip():
                continue
            key = measure_key(item)
            if key in first:
                repeats[item.pk] = first[key]
            else:
                first[key] = item
    return repeats


@dataclass
class MeasureTally:
    """Measures counted as measures: per status ("" for none given), their
    number, the number of rows printed, and the codes printed more than once
    for one measure with how many times."""

    statuses: Counter
    total: int
    rows: int
    printed_again: dict

    def note(self):
        """"kód 2.1.3.3 uveden dvakrát" (empty when no code repeats)."""
        return "; ".join(repeat_note(code, times) for code, times in self.printed_again.items())

    def summary(self):
        """"46 opatření; kód 2.1.3.3 uveden dvakrát"."""
        text = ngettext("%(count)d measure", "%(count)d measures", self.total) % {
            "count": self.total}
        note = self.note()
        return f"{text}; {note}" if note else text


def repeat_note(code, times):
    if times == 2:
        return _("code %(code)s printed twice") % {"code": code}
    return _("code %(code)s printed %(count)d times") % {"code": code, "count": times}


def tally_measures(items, repeats):
    """A MeasureTally of the measure rows among `items` (in printed order),
    leaving out the rows in `repeats` (see repeated_measures)."""
    statuses, rows, printed = Counter(), 0, Counter()
    for item in items:
        if item.level.role != LevelRole.MEASURE:
            continue
        rows += 1
        first = repeats.get(item.pk)
        if first is not None:
            printed[first.code.strip()] += 1
            continue
        statuses[item.status or ""] += 1
    return MeasureTally(statuses, sum(statuses.values()), rows,
                        {code: n + 1 for code, n in printed.items()})


# --- Data checks ---------------------------------------------------------------

# The number inside a published code: "2.1.3.1", "Cíl 2." -> "2", "Opatření 2.2" -> "2.2".
CODE_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def _code_number(code):
    match = CODE_NUMBER.search(code or "")
    return match.group(0) if match else None


__all__ = ["Finding", "CHECK_LABELS", "MeasureTally", "build_tree", "check_labels",
           "measure_key", "plan_data_checks", "plan_items", "repeated_measures",
           "tally_measures"]

CHECK_LABELS = {
    "code_parent": _("Code does not fit its parent"),
    "duplicate_code": _("Code used more than once"),
    "duplicate_title": _("Same title more than once"),
    "implementer_spelling": _("One implementer named in different ways"),
    "code_format": _("Codes of one level written in different ways"),
}


def check_labels():
    """Kind -> heading: the plan's own checks, then the registered ones."""
    return {**CHECK_LABELS, **checks.registered_labels()}


def _normalised(text):
    return " ".join(text.split()).casefold()


def plan_data_checks(plan, items=None):
    """Inconsistencies of the plan as entered or published, with the findings
    of the checks other apps registered (planning.checks). They are reported,
    never corrected: officers decide what to do with each."""
    items = list(items if items is not None else plan_items(plan))
    for item in items:
        item.plan = plan  # their links need the plan's code, not a query each
    by_pk = {i.pk: i for i in items}
    findings = []

    for item in items:
        parent = by_pk.get(item.parent_id)
        number, parent_number = _code_number(item.code), _code_number(parent and parent.code)
        if number and parent_number and not number.startswith(parent_number + "."):
            findings.append(Finding(
                "code_parent",
                _("%(code)s is placed under %(parent)s, but its code belongs elsewhere.")
                % {"code": item.code, "parent": parent.code},
                (item, parent),
            ))

    codes = defaultdict(list)
    titles = defaultdict(list)
    for item in items:
        if item.code:
            codes[item.code].append(item)
        titles[(item.level_id, _normalised(item.title))].append(item)
    for code, same in codes.items():
        if len(same) > 1:
            findings.append(Finding(
                "duplicate_code",
                ngettext("Code %(code)s is used %(count)d time.",
                         "Code %(code)s is used %(count)d times.", len(same))
                % {"code": code, "count": len(same)},
                tuple(same),
            ))
    for (_level, _title), same in titles.items():
        if len(same) > 1:
            findings.append(Finding(
                "duplicate_title",
                ngettext("%(count)d item at the same level has the title “%(title)s”.",
                         "%(count)d items at the same level have the title “%(title)s”.",
                         len(same))
                % {"count": len(same), "title": same[0].title},
                tuple(same),
            ))

    spellings = defaultdict(lambda: defaultdict(list))
    for item in items:
        for link in item.implementer_links.all():
            spellings[link.organisation][link.published_name or link.organisation.name].append(item)
    for organisation, names in spellings.items():
        if len(names) > 1:
            findings.append(Finding(
                "implementer_spelling",
                _("%(org)s is published as: %(names)s.")
                % {"org": organisation, "names": "; ".join(f"„{n}“" for n in sorted(names))},
                tuple(i for group in names.values() for i in group),
            ))
    by_level = defaultdict(list)
    for item in items:
        if item.code:
            by_level[item.level_id].append(item)
    for same_level in by_level.values():
        with_stop = [i for i in same_level if i.code.endswith(".")]
        if with_stop and len(with_stop) < len(same_level):
            without = [i for i in same_level if not i.code.endswith(".")]
            findings.append(Finding(
                "code_format",
                _("Some codes at this level end with a full stop (%(with)s) and some do not "
                  "(%(without)s).")
                % {"with": ", ".join(i.code for i in with_stop),
                   "without": ", ".join(i.code for i in without)},
                tuple(same_level),
            ))
    findings.extend(checks.run_registered(plan))
    return findings


def item_history_entries(item_id):
    """The audit entries of a plan item by its id, newest first; also once
    the item is deleted."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PlanItem), object_id=str(item_id),
    ).select_related("actor", "content_type")


def deleted_item_entries(plan):
    """The deletions of items of `plan` that can be undone (an item with its
    subtree), newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PlanItem), action=AuditAction.DELETE,
        snapshot__plan_id=plan.pk, snapshot__has_key="items",
    ).select_related("actor", "content_type").order_by("-created_at", "-id")


def proposable_parents(user, plan, levels):
    """The items of `plan` a user may propose a new item under: those above
    the plan's last level, all of them in a plan the user's group drafts,
    otherwise those linked to a group the user manages; in the plan's order."""
    deepest = max((level.depth for level in levels), default=0)
    items = (PlanItem.objects.filter(plan=plan, level__depth__lt=deepest)
             .select_related("level").order_by("sort_key", "level__depth", "position", "id"))
    managed = managed_group_ids(user)
    if not (plan.working_group_id and plan.working_group_id in managed):
        items = items.filter(working_groups__in=managed).distinct()
    return list(items)


def settlement_rows(plan):
    """The settlement of the public comments of `plan` (vypořádání
    připomínek) as the council receives it: every comment but those hidden by
    moderation, in the order they came, with the item, the author's name as
    given (never the e-mail), the settlement and who settled it; one query."""
    from django.utils import timezone

    from .models import CommentModeration, CommentSettlement, PlanComment

    header = [_("No."), _("Plan item"), _("Author"), pgettext_lazy("public comment", "Comment"),
              _("Submitted"),
              _("Settlement"), _("How it was settled"), _("Settled by"), _("Settled on")]
    settlements = dict(CommentSettlement.choices)
    comments = (PlanComment.objects.filter(plan=plan)
                .exclude(moderation=CommentModeration.HIDDEN)
                .select_related("item", "settled_by").order_by("created_at", "id"))
    rows = []
    for number, comment in enumerate(comments, start=1):
        settled_by = comment.settled_by
        rows.append([
            number, str(comment.item) if comment.item else str(_("the plan as a whole")),
            comment.author_name, comment.text,
            timezone.localtime(comment.created_at).date(),
            str(settlements.get(comment.settlement, comment.settlement)),
            comment.settlement_text,
            (settled_by.get_full_name() or settled_by.get_username()) if settled_by else "",
            timezone.localtime(comment.settled_at).date() if comment.settled_at else None,
        ])
    return [str(h) for h in header], rows
