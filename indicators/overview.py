"""The reporting overview (/indicators/report/): who still has to report which
indicator, grouped by the implementing organisation for officers, a plain list
for an implementer. Paged and bounded: a page holds at most GROUPS_PER_PAGE
organisations with at most LINES_PER_GROUP lines each (the rest of a group is
one link away, `?organisation=<id>`, paged by LINES_PER_PAGE), and a fixed
number of queries whatever the data size. The counts of the whole overview are
one aggregate query."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from core.collation import czech
from directory.models import Organisation
from planning.models import PlanItemImplementer

from .imports import latest_value
from .models import Indicator, IndicatorKind, IndicatorValue
from .permissions import can_report_indicator
from .selectors import LIST_ORDER, with_relations
from .status import display_value

OVERDUE_AFTER = timedelta(days=365)
GROUPS_PER_PAGE = 10
LINES_PER_GROUP = 10
LINES_PER_PAGE = 50


@dataclass
class Line:
    indicator: Indicator
    latest: IndicatorValue | None
    latest_display: str
    overdue: bool


@dataclass
class Group:
    organisation: object  # directory.Organisation or None (no implementer)
    lines: list = field(default_factory=list)
    total: int = 0  # lines of the group in all, shown or not
    overdue: int = 0  # of them, those that need a value

    @property
    def more(self):
        return self.total - len(self.lines)


def _reportable(user):
    return can_report_indicator.filter(user, Indicator.objects.all())


def _with_home_value(cutoff=None):
    """The ids of the indicators with a value for their home territory (ending
    on or after `cutoff`, if given): an uncorrelated subquery, hashed once per
    query - not a subquery per indicator, which at 100x cost 14 ms against 3."""
    values = IndicatorValue.objects.filter(territory_id=F("indicator__home_territory_id"))
    if cutoff is not None:
        values = values.filter(period_end__gte=cutoff)
    return values.values("indicator_id")


def counts(queryset, cutoff):
    """{total, current, overdue, never} over `queryset`, one query."""
    totals = queryset.order_by().aggregate(
        total=Count("pk"), never=Count("pk", filter=~Q(pk__in=_with_home_value())),
        current=Count("pk", filter=Q(pk__in=_with_home_value(cutoff))))
    return {"total": totals["total"], "current": totals["current"],
            "overdue": totals["total"] - totals["current"] - totals["never"],
            "never": totals["never"]}


def _implemented_by(organisations):
    """Indicators reported for one of `organisations` (a queryset): their
    projects' indicators and the impact indicators of the specific goals above
    their measures. A subquery, so that no indicator is repeated."""
    links = PlanItemImplementer.objects.filter(organisation__in=organisations,
                                               item__parent_id=OuterRef("plan_item_id"))
    return ((Q(kind=IndicatorKind.PROJECT)
             & Q(project_link__project__implementer__in=organisations))
            | (Q(kind=IndicatorKind.IMPACT) & Q(Exists(links))))


def _without_implementer():
    project = Q(kind=IndicatorKind.PROJECT, project_link__project__implementer__isnull=False)
    impact = Q(kind=IndicatorKind.IMPACT) & Q(Exists(PlanItemImplementer.objects.filter(
        item__parent_id=OuterRef("plan_item_id"))))
    return ~project & ~impact


def organisation_paths():
    """(indicator kind, path from an indicator to its implementing
    organisation): a project's implementer, the implementers of the measures
    under an impact indicator's specific goal. The reporting rounds derive
    who owes what along the same paths."""
    return ((IndicatorKind.PROJECT, "project_link__project__implementer_id"),
            (IndicatorKind.IMPACT, "plan_item__children__implementer_links__organisation_id"))


def _first_lines(reportable, organisation_ids):
    """[(organisation id, indicator id)]: at most LINES_PER_GROUP indicators of
    each organisation, in list order; two queries (a window function each)."""
    pairs = []
    order = [F(name).asc() for name in LIST_ORDER]
    for kind, path in organisation_paths():
        rows = (reportable.filter(kind=kind, **{f"{path}__in": organisation_ids})
                .annotate(organisation=F(path),
                          number=Window(RowNumber(), partition_by=[F(path)], order_by=order))
                .filter(number__lte=LINES_PER_GROUP)
                .order_by(path, "number").values_list("organisation", "pk"))
        pairs.extend(rows)
    seen, unique = set(), []
    for pair in pairs:
        if pair not in seen:
            seen.add(pair)
            unique.append(pair)
    return unique


def _stats_by_organisation(reportable, organisation_ids, cutoff):
    """{organisation id: (indicators, of them needing a value)}; two queries."""
    stats = {}
    for kind, path in organisation_paths():
        rows = (reportable.filter(kind=kind, **{f"{path}__in": organisation_ids})
                .order_by().values(path).annotate(
                    total=Count("pk", distinct=True),
                    current=Count("pk", distinct=True,
                                  filter=Q(pk__in=_with_home_value(cutoff)))))
        for row in rows:
            total, overdue = stats.get(row[path], (0, 0))
            stats[row[path]] = (total + row["total"],
                                overdue + row["total"] - row["current"])
    return stats


def _organisations_of(indicator):
    if indicator.kind == IndicatorKind.PROJECT and indicator.project is not None:
        return [indicator.project.implementer] if indicator.project.implementer else []
    if indicator.kind == IndicatorKind.IMPACT and indicator.plan_item is not None:
        found = {}
        for measure in indicator.plan_item.children.all():
            for link in measure.implementer_links.all():
                found.setdefault(link.organisation_id, link.organisation)
        return list(found.values())
    return []


def _with_lines_relations(queryset):
    return with_relations(queryset).select_related(
        "project_link__project__implementer").prefetch_related(Prefetch(
            "plan_item__children__implementer_links",
            queryset=PlanItemImplementer.objects.select_related("organisation"))
    ).order_by(*LIST_ORDER)


def _line(indicator, cutoff):
    latest = latest_value(indicator)
    return Line(indicator=indicator, latest=latest,
                latest_display=display_value(latest, indicator) if latest else "",
                overdue=latest is None or latest.period_end < cutoff)


def _group_stats(queryset, cutoff):
    stats = counts(queryset, cutoff)
    return stats["total"], stats["total"] - stats["current"]


@dataclass
class Overview:
    counts: dict
    cutoff: object
    grouped: bool
    groups: list
    lines: list
    page: object  # the paginator's page: of groups, or of one group's lines
    organisation: object = None  # the one organisation shown, if any
    without: bool = False  # only the indicators without an implementer


class _GroupSequence:
    """The organisations with something to report, in Czech order, then the
    city's own indicators (None) when there are any: what the paginator pages."""

    def __init__(self, organisations, has_own):
        self.organisations = organisations
        self.has_own = has_own

    def count(self):
        if not hasattr(self, "_count"):
            self._count = self.organisations.count() + (1 if self.has_own else 0)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        assert isinstance(index, slice)
        start, stop = index.start or 0, index.stop
        rows = list(self.organisations[start:stop])
        if self.has_own and (stop is None or stop >= self.count()):
            rows.append(None)
        return rows


def reporting_overview(user, *, grouped, page=1, organisation=None, without=False,
                       today=None):
    """The overview's page for `user` (see the module docstring)."""
    today = today or timezone.localdate()
    cutoff = today - OVERDUE_AFTER
    reportable = _reportable(user)
    totals = counts(reportable, cutoff)
    if not grouped or organisation is not None or without:
        queryset = reportable
        if organisation is not None:
            queryset = queryset.filter(_implemented_by(Organisation.objects.filter(
                pk=organisation.pk)))
        elif without:
            queryset = queryset.filter(_without_implementer())
        paged = Paginator(_with_lines_relations(queryset), LINES_PER_PAGE).get_page(page)
        lines = [_line(indicator, cutoff) for indicator in paged.object_list]
        groups = []
        if grouped:
            total, overdue = _group_stats(queryset, cutoff)
            groups = [Group(organisation, lines, total=total, overdue=overdue)]
        return Overview(totals, cutoff, grouped, groups, lines, paged, organisation, without)

    # Grouping is the officers' view, who report every indicator: the
    # organisations are those implementing a project with an indicator or a
    # measure under a specific goal with an impact indicator.
    organisations = Organisation.objects.filter(
        Q(Exists(Indicator.objects.filter(
            kind=IndicatorKind.PROJECT, project_link__project__implementer_id=OuterRef("pk"))))
        | Q(Exists(PlanItemImplementer.objects.filter(
            organisation_id=OuterRef("pk"), item__parent__indicators__kind=IndicatorKind.IMPACT)))
    ).order_by(czech("name"), "pk")
    own = reportable.filter(_without_implementer())
    paged = Paginator(_GroupSequence(organisations, own.exists()),
                      GROUPS_PER_PAGE).get_page(page)
    on_page = [o for o in paged.object_list if o is not None]
    groups = {o.pk: Group(o) for o in on_page}
    lines = []
    if on_page:
        ids = [o.pk for o in on_page]
        pairs = _first_lines(reportable, ids)
        stats = _stats_by_organisation(reportable, ids, cutoff)
        indicators = {i.pk: i for i in _with_lines_relations(
            reportable.filter(pk__in={pk for _org, pk in pairs}))}
        made = {}
        for org_id, pk in pairs:
            if pk not in made:
                made[pk] = _line(indicators[pk], cutoff)
                lines.append(made[pk])
            groups[org_id].lines.append(made[pk])
        for org_id, (total, overdue) in stats.items():
            groups[org_id].total, groups[org_id].overdue = total, overdue
        for group in groups.values():
            # Each path gave at most LINES_PER_GROUP: keep that many in list order.
            group.lines = sorted(group.lines, key=lambda line: tuple(
                getattr(line.indicator, name) for name in LIST_ORDER))[:LINES_PER_GROUP]
    ordered = list(groups.values())
    if None in paged.object_list:
        own_lines = [_line(i, cutoff) for i in _with_lines_relations(own)[:LINES_PER_GROUP]]
        total, overdue = _group_stats(own, cutoff)
        lines.extend(own_lines)
        ordered.append(Group(None, own_lines, total=total, overdue=overdue))
    return Overview(totals, cutoff, grouped, ordered, lines, paged)
