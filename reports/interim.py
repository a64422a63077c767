"""The interim evaluation of a plan (001 "Průběžné vyhodnocení I."): the data,
its HTML for the PDF, its tables for XLSX.

Public API, called by the report machinery (reports.kinds, the Celery task,
`render_report interim-evaluation`):

* `interim_context(plan, year=None, progress=None)`: everything the report
  shows, in a fixed number of queries whatever the size of the plan;
* `interim_html(...)`: the HTML in the plan's language (Czech or English),
  styled by /static/reports/print.css;
* `interim_tables(...)` / `interim_xlsx(...)`: the report's tables;
* `build_pdf(html)`: (PDF bytes, page count).

Everything printed is computed from the portal's data: the totals of
Appendix A are sums of the project rows (a total printed in the published
document is shown next to it with the difference), indicator statuses come
from indicators.status, measure statuses from the plan."""

import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from html import unescape

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import neutralise
from core.formats import currency_sign, format_money
from core.pdf import render_pdf
from directory.models import WorkingGroup
from indicators.charts import render_svg
from indicators.models import IndicatorKind, Status, TargetKind
from indicators.selectors import indicator_list, with_assessment
from indicators.status import baseline_and_latest, display_value
from meetings.models import EventKind, Meeting
from meetings.selectors import timeline_events
from planning.models import LevelRole, MeasureStatus
from planning.selectors import build_tree, plan_items, repeated_measures, tally_measures
from projects.models import Project
from projects.selectors import grand_total, stated_totals, totals_by_programme

from .models import EvaluationText, GlossaryTerm, PlanReportTexts
from .typography import cs_html, cs_text

ZERO = Decimal("0.00")
TEMPLATE = "reports/interim_evaluation.html"
STYLESHEET = "/static/reports/print.css"

# The order in which statuses are counted and listed.
INDICATOR_STATUS_ORDER = [Status.ON_TRACK, Status.IMPROVING, Status.OFF_TRACK, Status.NO_DATA,
                          Status.NO_TARGET]
MEASURE_STATUS_ORDER = [MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED,
                        MeasureStatus.NOT_STARTED, MeasureStatus.CANCELLED]


class _ReportReader:
    """The report is an officer's document about one plan: it reads every
    indicator of that plan (drafts of a draft plan included), as an officer
    would. It is only ever passed to indicator_list."""

    is_authenticated = True
    is_active = True
    is_city_officer = True
    is_superuser = False
    pk = None


def _no_progress(percent, message):
    pass


def money(amount, currency="CZK"):
    """178730828.51 -> "178 730 828,51 Kč" (Czech) or "CZK 178,730,828.51"
    (English), in the active language (the report's, see interim_html)."""
    return format_money(amount, currency, translation.get_language() or "cs")


def signed_money(amount, currency="CZK"):
    """A difference: "+0,04 Kč", "−0,01 Kč"."""
    return format_money(amount, currency, translation.get_language() or "cs", signed=True)


def _date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


# --- Data ----------------------------------------------------------------------


@dataclass
class GlobalRow:
    indicator: object
    baseline: str
    baseline_where: str
    latest: str
    latest_where: str
    target: str
    status: str
    status_label: str
    sentence: str
    chart: str = ""


@dataclass
class ProjectRow:
    area: str
    area_first: bool
    measures: str
    implementer: str
    registration_number: str
    budget: Decimal
    call: str
    project: object = None


@dataclass
class TotalLine:
    label: str
    amount: Decimal
    count: int
    what: str = ""
    stated_label: str = ""
    stated_amount: Decimal | None = None
    stated_text: str = ""

    @property
    def difference(self):
        return None if self.stated_amount is None else self.stated_amount - self.amount

    @property
    def differs(self):
        return self.difference not in (None, ZERO)


@dataclass
class MeasureRow:
    item: object
    code: str
    title: str
    status: str
    status_label: str
    implementer: str
    activity: str
    period: str
    footnote: str = ""
    # The item printed earlier in the plan that this row prints again.
    repeat_of: object = None


@dataclass
class ImpactRow:
    indicator: object
    name: str
    value: str
    as_of: str


@dataclass
class Block:
    """One piece of Appendix B, in print order: a heading, an indicator
    table, a measure table or a summary."""

    kind: str  # "area", "goal", "specific_goal", "heading", "indicators", "measures", "summary"
    item: object = None
    label: str = ""
    title: str = ""
    anchor: str = ""
    rows: list = field(default_factory=list)
    as_of: str = ""
    html: str = ""
    footnotes: list = field(default_factory=list)
    path: tuple = ()


@dataclass
class TimelineEntry:
    date: object
    when: str
    kind: str
    text: str
    detail: str = ""


def _pick_text(plan, year):
    """(year, EvaluationText or None): the officer's text for the year asked,
    or the latest one when no year is given. One query."""
    texts = list(EvaluationText.objects.filter(plan=plan).order_by("-year"))
    if year is not None:
        return year, next((t for t in texts if t.year == year), None)
    if texts:
        return texts[0].year, texts[0]
    return None, None


def _status_label(status):
    return capfirst(Status(status).label) if status in Status.values else status


def _value_with_where(indicator, value, comparison):
    if value is None:
        return _("n. a."), ""
    text = display_value(value, indicator)
    where = indicator.home_territory.label
    if comparison is not None:
        text = _("%(value)s vs. %(comparison)s") % {
            "value": text, "comparison": display_value(comparison, indicator)}
        where = _("%(home)s vs. %(other)s") % {
            "home": where, "other": indicator.comparison_territory.label}
    if not value.available:
        return text, ""
    return text, f"{value.period_text}, {where}"


def _milestone_text(target):
    if target.text:
        return target.text
    label = str(capfirst(TargetKind(target.kind).label))
    if target.value is not None:
        number = number_format(Decimal(target.value).normalize(), force_grouping=True)
        label = f"{label} {number}"
    return f"{label} ({target.when})" if target.when else label


def _target_text(indicator):
    """Every milestone as published, in the plan's order."""
    milestones = indicator.milestones
    if not milestones:
        return _("no target set")
    return "; ".join(_milestone_text(target) for target in milestones)


def _global_rows(indicators):
    rows = []
    for indicator in with_assessment(indicators):
        values = list(indicator.values.all())
        baseline, latest, baseline_cmp, latest_cmp = baseline_and_latest(indicator, values)
        base_text, base_where = _value_with_where(indicator, baseline, baseline_cmp)
        latest_text, latest_where = _value_with_where(indicator, latest, latest_cmp)
        status = indicator.assessment.status
        row = GlobalRow(indicator, base_text, base_where, latest_text, latest_where,
                        _target_text(indicator), status, _status_label(status),
                        indicator.assessment.sentence)
        if status == Status.OFF_TRACK:
            row.chart = render_svg(indicator, values, element_id=f"chart-{indicator.code}")
        rows.append(row)
    return rows


def _impact_rows(indicators):
    """{specific goal id: ([ImpactRow], common "as of" text)}."""
    by_goal = defaultdict(list)
    for indicator in indicators:
        values = list(indicator.values.all())
        baseline, latest, _b, _l = baseline_and_latest(indicator, values)
        shown = latest or baseline
        by_goal[indicator.plan_item_id].append(ImpactRow(
            indicator, indicator.name,
            display_value(shown, indicator) if shown is not None else "–",
            shown.period_text if shown is not None else "",
        ))
    result = {}
    for goal_id, rows in by_goal.items():
        dates = {row.as_of for row in rows if row.as_of}
        result[goal_id] = (rows, dates.pop() if len(dates) == 1 else "")
    return result


def _implementer(item):
    links = sorted(item.implementer_links.all(), key=lambda link: link.position)
    names = [link.published_name or link.organisation.name for link in links]
    return ", ".join(names) or item.implementers_text or "–"


def _service_short(item):
    if not item.service_type:
        return ""
    label = str(item.get_service_type_display())
    return label.split(" – ")[0] if " – " in label else capfirst(label)


def _activity(item):
    label = item.activity_type_text or (capfirst(item.get_activity_type_display())
                                        if item.activity_type else "")
    service = _service_short(item)
    if service and service not in label:
        label = f"{label} ({service})" if label else service
    return label or "–"


def _period(item):
    if item.period_text:
        return item.period_text
    if item.period_start or item.period_end:
        return f"{_date(item.period_start)}–{_date(item.period_end)}"
    if item.ongoing:
        return _("ongoing")
    return "–"


def measure_status_label(item):
    """"V realizaci (3/6)", "Nerealizováno", "Dokončeno"."""
    if not item.status:
        return item.status_text or "–"
    label = capfirst(item.get_status_display())
    if item.reports_total:
        label = f"{label} ({item.reports_label})"
    return label


def _measure_row(item, repeats):
    return MeasureRow(item, item.code, item.title, item.status, measure_status_label(item),
                      _implementer(item), _activity(item), _period(item), item.footnote,
                      repeats.get(item.pk))


def _heading_label(item):
    """"Strategický cíl 1.1" from the plan's own level names; areas print as
    "1 Bydlení" (code and title)."""
    if item.level.role == LevelRole.AREA:
        return item.code
    return f"{item.level.name} {item.code}".strip()


def _appendix_b(roots, impact, year, repeats):
    """Flatten the plan tree into printable blocks (no queries: every
    relation is prefetched)."""
    blocks = []
    measures = []

    def summary_of(item):
        for summary in item.summaries.all():
            if summary.year == year:
                return summary
        return None

    def walk(node, path):
        item = node.item
        role = item.level.role
        if role == LevelRole.MEASURE:
            return
        anchor = f"item-{item.pk}"
        blocks.append(Block(role if role in ("area", "goal", "specific_goal") else "heading",
                            item, _heading_label(item), item.title, anchor, path=path))
        if item.footnote:
            blocks[-1].footnotes.append(item.footnote)
        rows, as_of = impact.get(item.pk, ([], ""))
        if rows:
            blocks.append(Block("indicators", item, rows=rows, as_of=as_of))
        own_measures = [_measure_row(child.item, repeats) for child in node.children
                        if child.item.level.role == LevelRole.MEASURE]
        if own_measures:
            blocks.append(Block("measures", item, rows=own_measures,
                                footnotes=[f"{m.code}: {m.footnote}" for m in own_measures
                                           if m.footnote]))
            measures.extend((path + (item,), m) for m in own_measures)
        for child in node.children:
            walk(child, path + (item,))
        summary = summary_of(item)
        if summary is not None:
            blocks.append(Block("summary", item, title=summary.title, html=summary.text))

    for root in roots:
        walk(root, ())
    return blocks, measures


def _appendix_a(plan, items_by_pk, projects):
    """Rows grouped by thematic area (plan order), then by measure code."""
    def area_of(project):
        area = project.thematic_area
        if area is not None and area.plan_id == plan.pk:
            return items_by_pk.get(area.pk, area)
        for measure in project.measures.all():
            item = items_by_pk.get(measure.pk)
            while item is not None and item.parent_id is not None:
                item = items_by_pk.get(item.parent_id)
            if item is not None:
                return item
        return None

    keyed = []
    for project in projects:
        area = area_of(project)
        codes = [m.code for m in project.measures.all() if m.plan_id == plan.pk]
        keyed.append(((area.position if area else 10**9, area.pk if area else 0,
                       codes[0] if codes else "", project.registration_number), area, project))
    keyed.sort(key=lambda k: k[0])
    rows = []
    previous = object()
    for _key, area, project in keyed:
        measures = "; ".join(f"{m.code} {m.title}".strip() for m in project.measures.all()
                             if m.plan_id == plan.pk) or project.title
        if project.other_measure_code:
            measures += " (" + _("in Appendix A: %(code)s") % {
                "code": project.other_measure_code} + ")"
        call = project.call
        area_label = f"{area.code} {area.title}".strip() if area else (project.area_text or "–")
        rows.append(ProjectRow(area_label, area is not previous, measures,
                               project.display_implementer, project.registration_number,
                               project.total_budget,
                               call.published_label or f"{call.number} {call.programme.short_name}",
                               project))
        previous = area
    return rows


def _totals(plan, queryset, projects):
    """Per programme and overall, computed from the rows; each with the total
    the plan's published document printed for the same scope, if any."""
    initiatives = {p.call.initiative for p in projects}
    programmes = {p.call.programme_id: p.call.programme for p in projects}
    comparisons = [c for c in stated_totals(plan=plan)
                   if (not c.stated.initiative or c.stated.initiative in initiatives)
                   and (c.stated.programme_id is None or c.stated.programme_id in programmes)]
    by_programme = {c.stated.programme_id: c.stated for c in comparisons
                    if c.stated.programme_id is not None}
    overall_stated = next((c.stated for c in comparisons if c.stated.programme_id is None), None)
    short_to_id = {(p.short_name or p.name): pk for pk, p in programmes.items()}
    lines = []
    for row in totals_by_programme(queryset):
        line = TotalLine(_("Total %(what)s") % {"what": row.label}, row.amount, row.count,
                         row.label)
        stated = by_programme.get(short_to_id.get(row.label))
        if stated is not None:
            line.stated_label, line.stated_amount = stated.label, stated.amount
            line.stated_text = stated.amount_text
        lines.append(line)
    total = grand_total(queryset)
    only = initiatives.pop() if len(initiatives) == 1 else ""
    overall = TotalLine(_("Total %(what)s") % {"what": only} if only else _("Total"),
                        total.amount, total.count)
    if overall_stated is not None:
        overall.stated_label, overall.stated_amount = overall_stated.label, overall_stated.amount
        overall.stated_text = overall_stated.amount_text
    return lines, overall


def _month_name(month):
    return capfirst(str(MONTHS[month]))


def _day(value):
    """"1. 7." in Czech, "July 1" in English."""
    return date_format(value, "MONTH_DAY_FORMAT")


def _timeline(year, events, meetings, measure_items):
    entries = []
    for event in events:
        if event.kind == EventKind.NOTE:
            # A paragraph of the timeline as printed: its month is the heading.
            entries.append(TimelineEntry(event.starts_on, "", "note", event.title))
            continue
        if event.month_only:
            when = _month_name(event.starts_on.month)
        elif event.ends_on and event.ends_on != event.starts_on:
            when = f"{_day(event.starts_on)}–{_day(event.ends_on)}"
        else:
            when = _day(event.starts_on)
        detail = ", ".join(p for p in (event.get_kind_display(), event.place) if p)
        entries.append(TimelineEntry(event.starts_on, when, "event", event.title, detail))
    for meeting in meetings:
        text = meeting.body.name + (f" – {meeting.title}" if meeting.title else "")
        entries.append(TimelineEntry(meeting.starts_on, _day(meeting.starts_on),
                                     "meeting", text, capfirst(meeting.get_kind_display())))
    starts = defaultdict(list)
    for item in measure_items:
        if item.period_start and item.period_start.year == year:
            starts[item.period_start].append(item)
    for start, items in starts.items():
        codes = ", ".join(i.code for i in sorted(items, key=lambda i: i.code))
        entries.append(TimelineEntry(
            start, _day(start), "milestone",
            ngettext("Measure %(codes)s starts", "Measures %(codes)s start", len(items))
            % {"codes": codes}))
    entries.sort(key=lambda e: (e.date, {"note": 0, "event": 1, "meeting": 2,
                                         "milestone": 3}[e.kind]))
    months = defaultdict(list)
    for entry in entries:
        months[entry.date.month].append(entry)
    return [{"number": f"{month:02d}", "name": _month_name(month), "entries": months[month]}
            for month in sorted(months)]


def _in_order(counts, order):
    """The keys of `counts` in `order` first, then any other, each once."""
    return [key for key in order if counts[key]] + sorted(
        key for key in counts if key not in order and counts[key])


def _measure_status_label(status):
    return capfirst(MeasureStatus(status).label) if status in MeasureStatus.values else status


def _highlights(programme_lines, overall, global_rows, tally, currency):
    """The figures the portal computes for the management summary. An
    enumeration is printed only with something in it: a count with nothing
    to list becomes a sentence of its own. `tally` counts the plan's measures
    (planning.selectors.MeasureTally)."""
    lines = []
    if overall.count:
        parts = [ngettext("%(count)d project of %(programme)s",
                          "%(count)d projects of %(programme)s", line.count)
                 % {"count": line.count, "programme": line.what}
                 for line in programme_lines if line.count]
        if parts:
            lines.append(_("%(projects)s, in total %(amount)s.") % {
                "projects": ", ".join(parts), "amount": money(overall.amount, currency)})
        else:
            lines.append(ngettext("%(count)d project, in total %(amount)s.",
                                  "%(count)d projects, in total %(amount)s.", overall.count)
                         % {"count": overall.count, "amount": money(overall.amount, currency)})
    counts = Counter(row.status for row in global_rows if row.status)
    parts = [f"{_status_label(status)}: {counts[status]}"
             for status in _in_order(counts, INDICATOR_STATUS_ORDER)]
    if parts:
        lines.append(_("Global indicators: %(counts)s.") % {"counts": "; ".join(parts)})
    elif global_rows:
        lines.append(ngettext("%(count)d global indicator, without a status.",
                              "%(count)d global indicators, without a status.",
                              len(global_rows)) % {"count": len(global_rows)})
    # Measures, not rows: a measure printed twice counts once (planning.selectors).
    measure_counts = Counter({s: n for s, n in tally.statuses.items() if s})
    unstated = tally.statuses.get("", 0)
    parts = [f"{_measure_status_label(status)}: {measure_counts[status]}"
             for status in _in_order(measure_counts, MEASURE_STATUS_ORDER)]
    if parts and unstated:
        parts.append(_("no status %(count)d") % {"count": unstated})
    note = tally.note()
    if parts and note:
        lines.append(_("%(measures)s – %(counts)s.") % {
            "measures": tally.summary(), "counts": "; ".join(parts)})
    elif parts:
        lines.append(ngettext("%(count)d measure: %(counts)s.",
                              "%(count)d measures: %(counts)s.", tally.total) % {
            "count": tally.total, "counts": "; ".join(parts)})
    elif tally.total:
        lines.append(ngettext("%(count)d measure, without a status.",
                              "%(count)d measures, without a status.", tally.total)
                     % {"count": tally.total})
    return lines


def _report_texts(plan, year):
    """The plan's own headings and introduction, or the neutral wording in the
    report's language where the plan has none. One query."""
    texts = PlanReportTexts.objects.filter(plan=plan).first()
    global_heading = texts.global_indicators_heading if texts else ""
    global_intro = texts.global_indicators_intro if texts else ""
    timeline_heading = texts.timeline_heading if texts else ""
    return {
        "global_heading": global_heading or _("Global indicators"),
        "global_intro": global_intro or _(
            "Global indicators describe the situation the plan addresses and the change it "
            "is expected to bring."),
        "timeline_heading": (timeline_heading.replace("{year}", str(year)) if timeline_heading
                             else _("The year %(year)s") % {"year": year}),
    }


def plan_bodies(plan):
    """The bodies whose meetings belong to the plan's report: the working
    group that drafted it and those linked to any of its items."""
    return WorkingGroup.objects.filter(Q(plans=plan) | Q(plan_items__plan=plan)).values("pk")


def interim_context(plan, *, year=None, progress=None):
    """Everything the interim evaluation of `plan` shows. A fixed number of
    queries (about twenty), whatever the number of items, indicators,
    projects and events."""
    progress = progress or _no_progress
    progress(10, _("Collecting the data"))
    year = int(year) if year else None
    year, text = _pick_text(plan, year)
    items = list(plan_items(plan))
    if year is None:
        years = [s.year for item in items for s in item.summaries.all()]
        year = max(years) if years else (plan.period_start or 0)
    items_by_pk = {item.pk: item for item in items}
    roots = build_tree(items)

    indicators = list(indicator_list(user=_ReportReader()).filter(
        Q(plans=plan) | Q(plan_item__plan=plan)).distinct())
    globals_ = [i for i in indicators if i.kind == IndicatorKind.GLOBAL]
    impacts = [i for i in indicators if i.kind == IndicatorKind.IMPACT
               and i.plan_item_id in items_by_pk]
    global_rows = _global_rows(globals_)
    impact = _impact_rows(impacts)
    repeats = repeated_measures(roots)
    blocks, measures = _appendix_b(roots, impact, year, repeats)
    measure_rows = [row for _path, row in measures]
    tally = tally_measures([row.item for row in measure_rows], repeats)

    project_ids = (Project.objects.published()
                   .filter(Q(thematic_area__plan=plan) | Q(measures__plan=plan))
                   .values("pk"))
    queryset = Project.objects.filter(pk__in=project_ids)
    projects = list(queryset.with_related().prefetch_related("measures")
                    .order_by("registration_number"))
    project_rows = _appendix_a(plan, items_by_pk, projects)
    programme_lines, overall = _totals(plan, queryset, projects)

    # Only what belongs to this plan: events of the plan or of one of its
    # items, meetings of its bodies.
    events = list(timeline_events(year=year)
                  .filter(Q(plan=plan) | Q(plan_area__plan=plan)))
    meetings = list(Meeting.objects.published()
                    .filter(starts_on__year=year, body__in=plan_bodies(plan))
                    .select_related("body").order_by("starts_on", "pk"))
    timeline = _timeline(year, events, meetings,
                         [i for i in items if i.level.role == LevelRole.MEASURE])
    progress(30, _("Data collected"))

    title = text.title if text else _("Interim evaluation %(year)s") % {"year": year}
    areas = [b for b in blocks if b.kind == "area"]
    currency = plan.currency
    language = translation.get_language() or plan.language
    return {
        "plan": plan,
        "language": language,
        "currency": currency,
        "currency_sign": currency_sign(currency, language),
        "year": year,
        "year_label": str(year),
        "next_year": year + 1,
        "text": text,
        "title": title,
        "issued_text": text.issued_text if text else "",
        "summary_html": text.summary if text else "",
        "chapter_heading": text.chapter_heading if text else "",
        "chapter_html": text.chapter_html if text else "",
        "glossary": list(GlossaryTerm.objects.order_by("abbreviation")),
        **_report_texts(plan, year),
        "highlights": _highlights(programme_lines, overall, global_rows, tally, currency),
        "measure_tally": tally,
        "global_rows": global_rows,
        "global_target_year": plan.period_end,
        "global_target_label": str(plan.period_end or ""),
        "global_notes": [(row.indicator.name, row.indicator.note) for row in global_rows
                         if row.indicator.note],
        "off_track": [row for row in global_rows if row.status == Status.OFF_TRACK],
        "timeline": timeline,
        "project_rows": project_rows,
        "programme_totals": programme_lines,
        "overall_total": overall,
        "blocks": blocks,
        "areas": areas,
        "measure_rows": measure_rows,
        "measures": measures,
        "impact": impact,
    }


# --- HTML and PDF ---------------------------------------------------------------


_TAGS = re.compile(r"<[^>]*>")


def used_terms(terms, html):
    """The glossary terms whose abbreviation occurs in the document's text as
    a word of its own ("OPZ+" in "18 projektů OPZ+", not "TP" in "TPS")."""
    text = unescape(_TAGS.sub(" ", html))
    return [term for term in terms
            if re.search(rf"(?<!\w){re.escape(term.abbreviation)}(?!\w)", text)]


def interim_html(plan, *, year=None, progress=None):
    """The report as HTML in the plan's language (Czech or English), for
    WeasyPrint. Its list of abbreviations holds only the officers' terms that
    the document itself uses: the document is written once without it, the
    terms it uses are picked from its text, and then it is written with them."""
    progress = progress or _no_progress
    with translation.override(plan.language or "cs"):
        context = interim_context(plan, year=year, progress=progress)
        context["stylesheet"] = STYLESHEET
        progress(40, _("Writing the document"))
        terms, context["glossary"] = context["glossary"], []
        html = render_to_string(TEMPLATE, context)
        context["glossary"] = used_terms(terms, html)
        if context["glossary"]:
            html = render_to_string(TEMPLATE, context)
    return html


def build_pdf(html):
    """(PDF bytes, number of pages) through the portal's fetcher, which only
    serves the portal's own static files."""
    return render_pdf(html)


# --- Tables and XLSX -----------------------------------------------------------


def interim_tables(plan, *, year=None):
    """[(sheet title, header, rows)]: global indicators, Appendix A (with the
    totals), Appendix B measures, impact indicators."""
    with translation.override(plan.language or "cs"):
        context = interim_context(plan, year=year)
        currency = context["currency"]
        tables = []
        tables.append((
            _("Global indicators"),
            [_("Code"), _("Indicator"), _("Baseline"), _("Baseline: period, territory"),
             _("Latest value"), _("Latest: period, territory"),
             _("Expected value or trend %(year)s") % {"year": context["global_target_year"]},
             _("Status")],
            [[r.indicator.code, r.indicator.name, r.baseline, r.baseline_where, r.latest,
              r.latest_where, r.target, r.status_label] for r in context["global_rows"]],
        ))
        rows = [[r.area, r.measures, r.implementer, r.registration_number, r.budget, r.call]
                for r in context["project_rows"]]
        for line in [*context["programme_totals"], context["overall_total"]]:
            rows.append([line.label, "", "", "", line.amount, ""])
            if line.stated_amount is not None:
                rows.append([_("%(label)s as published") % {"label": line.stated_label},
                             "", "", "", line.stated_amount,
                             _("difference %(amount)s") % {"amount": signed_money(
                                 line.difference, currency)} if line.differs else ""])
        tables.append((
            _("Appendix A projects"),
            [_("Thematic area"), _("Measure"), _("Implementer"), _("Registration number"),
             _("Budget (%(currency)s)") % {"currency": currency}, _("Call")],
            rows,
        ))
        measure_rows = []
        for path, row in context["measures"]:
            names = [f"{_heading_label(i)} {i.title}".strip() for i in path]
            names += [""] * (3 - len(names))
            measure_rows.append([*names[-3:], row.code, row.title, row.status_label,
                                 row.item.reports_label, row.implementer, row.activity,
                                 row.period])
        tables.append((
            _("Appendix B measures"),
            [_("Thematic area"), _("Strategic goal"), _("Specific goal"), _("Code"),
             _("Measure"), _("Status"), _("Reports"), _("Implementer"), _("Activity type"),
             _("Period")],
            measure_rows,
        ))
        impact_rows = []
        for block in context["blocks"]:
            if block.kind == "indicators":
                for row in block.rows:
                    impact_rows.append([block.item.code, row.indicator.code, row.name,
                                        row.value, row.as_of])
        tables.append((
            _("Impact indicators"),
            [_("Specific goal"), _("Code"), _("Indicator"), _("Value"), _("As of")],
            impact_rows,
        ))
    return tables


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return value
    return neutralise(str(value))


def _sheet_title(title, used):
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "data"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" {n}"
        candidate, n = clean[:31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def interim_xlsx(plan, *, year=None):
    """The report's tables as one workbook, one sheet per table; text that a
    spreadsheet would read as a formula is neutralised."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for title, header, rows in interim_tables(plan, year=year):
        sheet = workbook.create_sheet(_sheet_title(title, used))
        sheet.append([_xlsx_cell(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        for cell in sheet[1]:
            if isinstance(cell.value, str):
                sheet.column_dimensions[cell.column_letter].width = min(
                    60, max(12, len(cell.value) + 2))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


__all__ = ["interim_context", "interim_html", "interim_tables", "interim_xlsx", "build_pdf",
           "cs_text", "cs_html", "money"]
