"""Public plan pages: the list of plans, a plan with its tree, one item, the
officers' data checks and the XLSX export.

Who gets what (every decision through planning.permissions):

* A plan someone may not see (`can_view_plan` is False: a draft, for anyone
  but officers and the drafting working group's manager, contact person and
  members) answers **404 on every page of the plan**, to anonymous visitors
  too: a login redirect or a 403 would reveal that the draft exists.
* The data-checks page of a plan the user *may* see, for someone who is not
  an officer (`can_view_data_checks`): anonymous visitors are sent to the
  login page, signed-in users get 403, as everywhere else in the portal
  (core.views.RuleRequiredMixin).

Every page runs a fixed number of SQL queries whatever the plan's size: the
tree comes from `selectors.plan_items` (5 queries) and is filtered in
Python (planning.filters).
"""

import re
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from .. import permissions
from ..filters import PlanFilterForm, filter_tree
from ..imports import plan_xlsx_response
from ..models import ActivityType, MeasureStatus, Plan, PlanItem, ServiceType
from ..selectors import (
    build_tree,
    check_labels,
    plan_data_checks,
    plan_items,
    plan_tree_items,
    repeated_measures,
    tally_measures,
)

STATUS_ORDER = [s.value for s in MeasureStatus]
# "(3/6)" in a status as published.
REPORTS_IN_TEXT = re.compile(r"\(\s*\d+\s*/\s*\d+\s*\)")


# --- Presentation helpers -----------------------------------------------------------------


def status_badge(item):
    """"V realizaci (3/6)": the status as published (or its label) and the
    count of implementation reports."""
    text = capfirst(item.status_text or (item.get_status_display() if item.status else ""))
    reports = item.reports_label
    if reports and reports not in text:
        # The published "(1/6)" is replaced by the count the reports since
        # have moved on to, never printed beside it.
        text, replaced = REPORTS_IN_TEXT.subn(f"({reports})", text, count=1)
        if not replaced:
            text = f"{text} ({reports})" if text else reports
    return text


def period_label(item):
    if item.ongoing:
        return _("Ongoing")
    if item.period_text:
        return item.period_text
    start = date_format(item.period_start, "SHORT_DATE_FORMAT") if item.period_start else ""
    end = date_format(item.period_end, "SHORT_DATE_FORMAT") if item.period_end else ""
    if start and end:
        return f"{start} – {end}"
    if start:
        return _("from %(date)s") % {"date": start}
    if end:
        return _("until %(date)s") % {"date": end}
    return ""


def _url_maker(viewname):
    """reverse(viewname, args=[x]) for arguments that need no quoting
    (codes, ids), from one reverse()."""
    sentinel = "7319468250"
    head, tail = reverse(viewname, args=[sentinel]).split(sentinel, 1)
    return lambda arg: f"{head}{arg}{tail}"


def decorate(items):
    """Attach what the templates print, computed once per item: the
    implementers, working groups (with their page's address) and year
    summaries as lists (`plan_tree_items` prefetches them so), so that the
    templates neither build a related manager per `.all` nor reverse a URL
    per group."""
    group_url = _url_maker("directory:group_detail")
    for item in items:
        if not hasattr(item, "group_list"):  # not from plan_tree_items
            item.implementer_list = list(item.implementer_links.all())
            item.group_list = list(item.working_groups.all())
            item.summary_list = list(item.summaries.all())
        for group in item.group_list:
            group.detail_url = group_url(group.code)
        item.badge = status_badge(item) if item.is_measure else ""
        item.badge_class = f"status-{item.status or 'none'}"
        # The portal's status beside a differently worded published one.
        label = item.get_status_display() if item.status else ""
        item.status_label_extra = (
            label if item.status_text and label
            and item.status_text.casefold() != str(label).casefold() else "")
        item.period_display = period_label(item)
        item.heading_level = min(item.level.depth + 2, 6)
        item.activity_display = item.activity_type_text or (
            ActivityType(item.activity_type).label if item.activity_type else "")
        item.service_display = (
            ServiceType(item.service_type).label if item.service_type else "")
    return items


def plan_or_404(request, code, queryset=None):
    """The plan, or 404 for whoever may not see it (drafts stay unrevealed)."""
    queryset = queryset if queryset is not None else Plan.objects.select_related("working_group")
    plan = get_object_or_404(queryset, code=code)
    if not permissions.can_view_plan(request.user, plan):
        raise Http404("plan not found")
    return plan


def area_status_counts(roots):
    """Per top-level item: number of measures per status, plus totals. A row
    that prints again a measure printed earlier is not counted twice; the
    codes printed more than once are named beside the total."""
    repeats = repeated_measures(roots)
    rows = []
    for root in roots:
        tally = tally_measures([node.item for node in root.walk()], repeats)
        rows.append({"item": root.item, "counts": tally.statuses, "total": tally.total})
    tally = tally_measures([node.item for root in roots for node in root.walk()], repeats)
    total = tally.statuses
    columns = [(s, MeasureStatus(s).label) for s in STATUS_ORDER]
    if total.get(""):
        columns.append(("", gettext_lazy("status not given")))
    for row in rows:
        row["cells"] = [row["counts"].get(value, 0) for value, _label in columns]
    return {
        "columns": columns,
        "rows": rows,
        "totals": [total.get(value, 0) for value, _label in columns],
        "total": tally.total,
        "note": tally.note(),
        "summary": tally.summary(),
    }


# --- Pages ---------------------------------------------------------------------------------


class PlanListView(TemplateView):
    """Published plans for everyone; drafts for whoever may see them, marked."""

    template_name = "planning/plans/plan_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plans = (
            Plan.objects.select_related("working_group")
            .with_measure_count()
            .order_by("-period_start", "title")
        )
        context["plans"] = permissions.plans_visible_to(self.request.user, plans)
        return context


class PlanDetailView(TemplateView):
    template_name = "planning/plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = plan_or_404(self.request, kwargs["code"])
        levels = list(plan.levels.all())
        items = decorate(list(plan_tree_items(plan)))
        # Every item's link from one reverse(): a hundred {% url %}s were a
        # tenth of the page's time.
        prefix = reverse("planning:plan_item_detail", args=[plan.code, 0]).removesuffix("0/")
        for item in items:
            item.detail_url = f"{prefix}{item.pk}/"
        roots = build_tree(items)
        form = PlanFilterForm(self.request.GET or None, items=items, roots=roots,
                              top_level_name=levels[0].name if levels else None)
        criteria = form.criteria()
        result = filter_tree(roots, criteria)
        context.update(
            plan=plan,
            levels=levels,
            roots=result.roots,
            filter_form=form,
            filtered=criteria.active,
            result=result,
            counts=area_status_counts(roots),
            top_level_name=levels[0].name if levels else _("Area"),
            item_count=len(items),
        )
        return context


class PlanItemDetailView(TemplateView):
    template_name = "planning/plans/item_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = plan_or_404(self.request, kwargs["code"])
        # The plan's skeleton (ids, parents, codes, titles) in one query: the
        # breadcrumbs and the children, whatever the depth.
        skeleton = list(
            PlanItem.objects.filter(plan=plan).select_related("level")
            .only("id", "parent_id", "code", "title", "position", "status", "status_text",
                  "reports_done", "reports_total", "level__depth", "level__name", "level__role")
            .order_by("parent_id", "position", "id")
        )
        by_pk = {node.pk: node for node in skeleton}
        if kwargs["pk"] not in by_pk:
            raise Http404("no such item in this plan")
        item = get_object_or_404(plan_items(plan), pk=kwargs["pk"])
        decorate([item])
        ancestors, parent_id = [], item.parent_id
        while parent_id is not None and parent_id in by_pk and len(ancestors) < len(by_pk):
            ancestors.insert(0, by_pk[parent_id])
            parent_id = by_pk[parent_id].parent_id
        children = [node for node in skeleton if node.parent_id == item.pk]
        for child in children:
            child.badge = status_badge(child) if child.is_measure else ""
            child.badge_class = f"status-{child.status or 'none'}"
        context.update(
            plan=plan,
            item=item,
            ancestors=ancestors,
            children=children,
            summaries=list(item.summaries.all()),
            implementer_links=list(item.implementer_links.all()),
            working_groups=list(item.working_groups.all()),
        )
        return context


class PlanDataChecksView(TemplateView):
    template_name = "planning/plans/data_checks.html"

    def dispatch(self, request, *args, **kwargs):
        self.plan = plan_or_404(request, kwargs["code"])
        if not permissions.can_view_data_checks(request.user, self.plan):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(plan_items(self.plan))
        findings = plan_data_checks(self.plan, items)
        labels = check_labels()
        groups = [{"kind": kind, "label": label, "findings": [
            _shown(f) for f in findings if f.kind == kind]} for kind, label in labels.items()]
        other = [_shown(f) for f in findings if f.kind not in labels]
        if other:
            groups.append({"kind": "other", "label": _("Other findings"), "findings": other})
        context.update(plan=self.plan, groups=groups, finding_count=len(findings),
                       item_count=len(items), source_notes=list(self.plan.source_notes.all()))
        return context


def _shown(finding):
    """A finding with its objects as the page links them: plan items with
    their code and level, anything else (another app's finding) by its text."""
    entries = []
    for obj in finding.items:
        if isinstance(obj, PlanItem):
            entries.append({"url": obj.get_absolute_url(), "code": obj.code,
                            "text": obj.title, "level": obj.level.name})
        else:
            entries.append({"url": obj.get_absolute_url(), "code": "", "text": str(obj),
                            "level": obj._meta.verbose_name if hasattr(obj, "_meta") else ""})
    return ShownFinding(finding.kind, finding.message, finding.items, tuple(entries))


@dataclass(frozen=True)
class ShownFinding:
    kind: str
    message: str
    items: tuple
    entries: tuple


class PlanExportXlsxView(View):
    def get(self, request, code):
        plan = plan_or_404(request, code)
        return plan_xlsx_response(plan)
