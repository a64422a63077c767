"""The officers' plan editor: create a plan, edit its settings and status, and
edit its tree of items inline (htmx) or as plain pages without JavaScript,
with history, restore and refusal of concurrent edits.

Every change goes through planning.services.plans; every view is gated by
planning.permissions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from core.audit import AuditAction, audit_entries_for
from core.services import StaleEditError
from core.views import RuleRequiredMixin, ServiceFormMixin

from .. import permissions, selectors
from ..forms.editor import (
    BulkStatusForm,
    ImplementerFormSet,
    MoveForm,
    PlanCreateForm,
    PlanForm,
    PlanItemForm,
    PlanTransitionForm,
    SummaryForm,
    plain_text,
)
from ..models import LevelRole, Plan, PlanItem, PlanStatus
from ..selectors import build_tree
from ..services import plans as plan_services

TEMPLATES = "planning/editor/"


def is_htmx(request):
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def _query_suffix(q):
    return f"?{urlencode({'q': q})}" if q else ""


# --- Reads for the editor (fixed number of queries, any plan size) -------------


def editor_items(plan):
    """The items of a plan with their levels, in tree order: one query."""
    return list(
        PlanItem.objects.filter(plan=plan).select_related("level")
        .only("pk", "plan_id", "parent_id", "level_id", "position", "code", "title", "status",
              "version", "level__depth", "level__name", "level__role")
        .order_by("parent_id", "position", "id")
    )


def _annotate_siblings(nodes):
    for index, node in enumerate(nodes, start=1):
        node.item.sibling_index = index
        node.item.sibling_count = len(nodes)
        _annotate_siblings(node.children)


def _filter_tree(nodes, q):
    """Keep the nodes that match `q` (code or title, diacritics ignored) and
    their ancestors; the matching ones are marked."""
    kept = []
    for node in nodes:
        children = _filter_tree(node.children, q)
        haystack = plain_text(f"{node.item.code} {node.item.title}")
        node.item.matches = q in haystack
        if node.item.matches or children:
            node.children = children
            kept.append(node)
    return kept


def _count(nodes):
    return sum(1 + _count(n.children) for n in nodes)


# --- Mixins ---------------------------------------------------------------------


class PlanEditorMixin(RuleRequiredMixin):
    """Views of one plan for the people who may edit it."""

    rule = staticmethod(permissions.can_edit_plan)
    rule_on_object = True

    def get_permission_object(self):
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(Plan, code=self.kwargs["code"])
        return self._plan

    @property
    def plan(self):
        return self.get_permission_object()

    @property
    def htmx(self):
        return is_htmx(self.request)

    @property
    def q(self):
        value = self.request.POST.get("q") if self.request.method == "POST" else None
        return (value if value is not None else self.request.GET.get("q", "")).strip()[:100]

    def editor_url(self, item=None):
        url = reverse("planning:plan_editor", args=[self.plan.code]) + _query_suffix(self.q)
        return f"{url}#item-{item.pk}" if item is not None else url

    def levels(self):
        if not hasattr(self, "_levels"):
            self._levels = {level.depth: level for level in self.plan.levels.all()}
        return self._levels

    def child_level(self, item):
        return self.levels().get(item.level.depth + 1 if item is not None else 1)

    def tree_context(self, focus=None, focus_on="edit"):
        items = editor_items(self.plan)
        levels = self.levels()
        for item in items:
            item.child_level = levels.get(item.level.depth + 1)
        tree = build_tree(items)
        _annotate_siblings(tree)
        q = plain_text(self.q)
        shown = _filter_tree(tree, q) if q else tree
        return {
            "plan": self.plan,
            "tree": shown,
            "q": self.q,
            "item_count": len(items),
            "shown_count": _count(shown),
            "match_count": sum(1 for i in items if getattr(i, "matches", False)),
            "top_level": levels.get(1),
            "has_measures": any(i.level.role == LevelRole.MEASURE for i in items),
            "focus": focus.pk if focus is not None else _int(self.request.GET.get("focus")),
            "focus_on": focus_on,
            "bulk_status_form": BulkStatusForm(),
        }

    def render_tree(self, message, focus=None, focus_on="edit", status=200, **extra):
        """The htmx answer to a structural change: the whole tree region, and
        the message for the live region."""
        context = self.tree_context(focus=focus, focus_on=focus_on)
        context.update(message=message, **extra)
        response = TemplateResponse(self.request, TEMPLATES + "_tree_response.html", context,
                                    status=status)
        response["HX-Retarget"] = "#plan-tree"
        response["HX-Reswap"] = "outerHTML"
        return response

    def get_context_data(self, **kwargs):
        kwargs.setdefault("htmx", self.htmx)
        kwargs.setdefault("plan", self.plan)
        kwargs.setdefault("editor_url", self.editor_url())
        kwargs.setdefault("q", self.q)
        return super().get_context_data(**kwargs)


class PartialTemplateMixin:
    """One URL, two answers: the fragment for htmx, a whole page without JS."""

    partial_template = None
    page_template = None

    def get_template_names(self):
        return [self.partial_template if self.htmx else self.page_template]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response


class ItemMixin(PlanEditorMixin):
    @cached_property
    def item(self):
        return get_object_or_404(PlanItem.objects.select_related("level", "parent"),
                                 pk=self.kwargs["pk"], plan=self.plan)

    def get_object(self, queryset=None):
        return self.item

    def get_context_data(self, **kwargs):
        kwargs.setdefault("item", self.item)
        return super().get_context_data(**kwargs)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Plans ------------------------------------------------------------------------


class PlanCreateView(RuleRequiredMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_create_plan)
    form_class = PlanCreateForm
    template_name = TEMPLATES + "plan_form.html"
    extra_context = {"title": gettext_lazy("New plan")}
    success_message = gettext_lazy("The plan was created. Add its items below.")

    def perform(self, form):
        return plan_services.plan_create(
            actor=self.request.user, levels=form.levels(), **form.service_data()
        )

    def get_success_url(self):
        return reverse("planning:plan_editor", args=[self.object.code])


class PlanSettingsView(PlanEditorMixin, ServiceFormMixin, UpdateView):
    form_class = PlanForm
    template_name = TEMPLATES + "plan_form.html"
    success_message = gettext_lazy("The plan settings were saved.")

    def get_object(self, queryset=None):
        return self.plan

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Settings of %(plan)s") % {"plan": self.plan})
        kwargs.setdefault("levels", self.plan.levels.all())
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return plan_services.plan_update(
            actor=self.request.user, plan=self.plan,
            expected_version=form.cleaned_data.get("version"), **form.service_data(),
        )

    def get_success_url(self):
        return reverse("planning:plan_editor", args=[self.object.code])


class PlanStatusView(PlanEditorMixin, ServiceFormMixin, FormView):
    form_class = PlanTransitionForm
    template_name = TEMPLATES + "plan_status.html"
    success_message = gettext_lazy("The status of the plan was changed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Status of %(plan)s") % {"plan": self.plan})
        kwargs.setdefault("entries", audit_entries_for(self.plan)[:50])
        kwargs.setdefault("statuses", PlanStatus.choices)
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return plan_services.plan_transition(
            actor=self.request.user, plan=self.plan, to_status=form.cleaned_data["to_status"],
            message=form.cleaned_data["message"],
        )

    def get_success_url(self):
        return reverse("planning:plan_editor", args=[self.plan.code])


# --- The tree -----------------------------------------------------------------------


class PlanEditorView(PlanEditorMixin, TemplateView):
    template_name = TEMPLATES + "editor.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.tree_context())
        context.update(kwargs)
        context["title"] = _("Editing %(plan)s") % {"plan": self.plan}
        context["is_editor_page"] = True
        context["transition_form"] = PlanTransitionForm(plan=self.plan)
        return context


class BulkStatusView(PlanEditorView):
    """Set the status of the ticked measures at once (POST only)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        measure_ids = PlanItem.objects.filter(
            plan=self.plan, level__role=LevelRole.MEASURE
        ).values_list("pk", flat=True)
        form = BulkStatusForm(request.POST, measure_ids=list(measure_ids))
        if form.is_valid():
            items = PlanItem.objects.filter(plan=self.plan, pk__in=form.cleaned_data["items"])
            try:
                changed = plan_services.plan_items_set_status(
                    actor=request.user, items=list(items), status=form.cleaned_data["status"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                label = dict(form.fields["status"].choices)[form.cleaned_data["status"]]
                message = _("Status “%(status)s” set: %(changed)d of %(ticked)d measures "
                            "changed.") % {"status": label, "changed": changed,
                                           "ticked": len(form.cleaned_data["items"])}
                if self.htmx:
                    return self.render_tree(message, focus_on="bulk")
                messages.success(request, message)
                return HttpResponseRedirect(self.editor_url())
        message = _("The status could not be changed.")
        if self.htmx:
            return self.render_tree(message, focus_on="bulk", bulk_status_form=form,
                                    ticked=_ticked(form))
        return self.render_to_response(
            self.get_context_data(bulk_status_form=form, ticked=_ticked(form)), status=200
        )


def _ticked(form):
    return {_int(v) for v in form.data.getlist("items")}


# --- Items: inline forms --------------------------------------------------------------


class EditorFormMixin(PartialTemplateMixin, ServiceFormMixin):
    """A form of the tree editor. Success answers htmx with a fragment and a
    message for the live region; without JS it redirects to the editor."""

    def success_message_text(self):
        raise NotImplementedError

    def htmx_success(self):
        raise NotImplementedError

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code != 302:
            return response
        if self.htmx:
            return self.htmx_success()
        messages.success(self.request, self.success_message_text())
        return response

    def get_form(self, form_class=None):
        form = self.build_form()
        if self.htmx and not form.is_bound:
            first = next(iter(form.visible_fields()), None)
            if first is not None:
                first.field.widget.attrs["autofocus"] = True
        return form

    def form_invalid(self, form):
        return self.render_to_response(
            self.get_context_data(form=form, message=_("The form could not be saved; see the "
                                                       "errors in the form."))
        )


class ItemCreateView(PlanEditorMixin, EditorFormMixin, FormView):
    """Add an item under `parent` (at the level below it), or at the top."""

    partial_template = TEMPLATES + "_create_form.html"
    page_template = TEMPLATES + "item_page.html"

    def resolve_parent(self):
        """Read the item to add under and the level below it, once per
        request (after the permission check): `parent`, `level`, and
        `parent_error` when the form cannot be saved there."""
        raw = (self.request.POST if self.request.method == "POST" else self.request.GET).get(
            "parent", "")
        self.parent, self.parent_error = None, None
        if raw:
            self.parent = (PlanItem.objects.select_related("level")
                           .filter(plan=self.plan, pk=_int(raw)).first())
            if self.parent is None:
                self.parent_error = _("The item to add under does not exist in this plan; "
                                      "it may have been deleted meanwhile.")
        self.level = self.child_level(self.parent)
        if self.level is None and self.parent_error is None:
            self.parent_error = _("The plan has no level below “%(parent)s”.") % {
                "parent": self.parent or self.plan}

    def build_form(self):
        level = self.level
        if level is None:  # an error is shown instead; the form needs some level
            level = self.parent.level if self.parent else self.levels()[min(self.levels())]
        # Unique ids: several inline forms may be open on the editor page at once.
        slot = self.parent.pk if self.parent else "top"
        return PlanItemForm(**self.get_form_kwargs(), level=level, quick=True,
                            auto_id=f"add{slot}_%s")

    def post(self, request, *args, **kwargs):
        self.resolve_parent()
        form = self.get_form()
        if form.is_valid() and self.parent_error is None:
            return self.form_valid(form)
        if self.parent_error:
            form.add_error(None, self.parent_error)
        return self.form_invalid(form)

    def get(self, request, *args, **kwargs):
        self.resolve_parent()
        form = self.get_form()
        return self.render_to_response(self.get_context_data(form=form,
                                                             parent_error=self.parent_error))

    def get_context_data(self, **kwargs):
        level = self.level
        kwargs.setdefault("parent", self.parent)
        kwargs.setdefault("level", level)
        kwargs.setdefault("action_url", reverse("planning:plan_item_create",
                                                args=[self.plan.code]))
        kwargs.setdefault("title", _("New item: %(level)s") % {"level": level.name}
                          if level else _("New item"))
        kwargs.setdefault("slot", f"add-slot-{self.parent.pk}" if self.parent
                          else "add-slot-top")
        return super().get_context_data(**kwargs)

    def perform(self, form):
        data = form.service_data()
        return plan_services.plan_item_create(
            actor=self.request.user, plan=self.plan, parent=self.parent, **data
        )

    def success_message_text(self):
        return _("Added “%(item)s”.") % {"item": self.object}

    def get_success_url(self):
        return self.editor_url(self.object)

    def htmx_success(self):
        return self.render_tree(self.success_message_text(), focus=self.object)


class ItemInlineEditView(ItemMixin, EditorFormMixin, UpdateView):
    """The quick form of the tree: code, title and (measures) status."""

    partial_template = TEMPLATES + "_row_form.html"
    page_template = TEMPLATES + "item_page.html"

    def build_form(self):
        return PlanItemForm(**self.get_form_kwargs(), level=self.item.level, quick=True,
                            auto_id=f"row{self.item.pk}_%s")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Edit %(item)s") % {"item": self.item})
        kwargs.setdefault("action_url", reverse("planning:plan_item_inline",
                                                args=[self.plan.code, self.item.pk]))
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return plan_services.plan_item_update(
            actor=self.request.user, item=self.item,
            expected_version=form.cleaned_data.get("version"), **form.service_data(),
        )

    def success_message_text(self):
        return _("Saved “%(item)s”.") % {"item": self.object}

    def get_success_url(self):
        return self.editor_url(self.object)

    def htmx_success(self):
        """The row alone; the subtree below it is untouched."""
        context = self.tree_context(focus=self.object)
        item = self.object
        item.level = self.item.level
        item.child_level = self.child_level(item)
        item.sibling_index, item.sibling_count = _sibling_info(item)
        context.update(item=item, message=self.success_message_text())
        response = TemplateResponse(self.request, TEMPLATES + "_row_response.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response


def _sibling_info(item):
    ids = list(PlanItem.objects.filter(plan_id=item.plan_id, parent_id=item.parent_id)
               .order_by("position", "id").values_list("pk", flat=True))
    return ids.index(item.pk) + 1, len(ids)


class ItemMoveView(ItemMixin, EditorFormMixin, FormView):
    """Move up / down among siblings (POST `direction`) or under another parent
    one level up, at a given position."""

    partial_template = TEMPLATES + "_move_form.html"
    page_template = TEMPLATES + "item_page.html"

    def build_form(self):
        depth = self.item.level.depth
        parents = []
        if depth > 1:
            parents = list(PlanItem.objects.filter(plan=self.plan, level__depth=depth - 1)
                           .order_by("parent_id", "position", "id").only("pk", "code", "title"))
        return MoveForm(**self.get_form_kwargs(), parents=parents, top_level=depth == 1,
                        auto_id=f"move{self.item.pk}_%s")

    def get_initial(self):
        index, _count_ = _sibling_info(self.item)
        return {"parent": self.item.parent_id, "position": index, "version": self.item.version}

    def post(self, request, *args, **kwargs):
        direction = request.POST.get("direction")
        if direction in ("up", "down"):
            return self.move_step(direction)
        return super().post(request, *args, **kwargs)

    def move_step(self, direction):
        index, count = _sibling_info(self.item)
        target = index - 1 if direction == "up" else index + 1
        focus_on = direction
        if target < 1 or target > count:
            message = _("“%(item)s” is already at the edge.") % {"item": self.item}
            if self.htmx:
                return self.render_tree(message, focus=self.item, focus_on=focus_on)
            messages.info(self.request, message)
            return HttpResponseRedirect(self.editor_url(self.item))
        try:
            self.object = plan_services.plan_item_move(
                actor=self.request.user, item=self.item, new_parent=self.item.parent,
                position=target, expected_version=_int(self.request.POST.get("version")),
            )
        except (StaleEditError, ValidationError) as error:
            message = str(error) if isinstance(error, StaleEditError) else "; ".join(
                error.messages)
            if self.htmx:
                return self.render_tree(message, focus=self.item, focus_on=focus_on,
                                        status=409 if isinstance(error, StaleEditError) else 200)
            messages.error(self.request, message)
            return HttpResponseRedirect(self.editor_url(self.item))
        if target == 1 or target == count:  # that button is gone; focus the other one
            focus_on = "down" if target == 1 else "up"
        message = _("Moved “%(item)s” to position %(position)d.") % {
            "item": self.object, "position": target}
        if self.htmx:
            return self.render_tree(message, focus=self.object, focus_on=focus_on)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.editor_url(self.object))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Move %(item)s") % {"item": self.item})
        kwargs.setdefault("action_url", reverse("planning:plan_item_move",
                                                args=[self.plan.code, self.item.pk]))
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return plan_services.plan_item_move(
            actor=self.request.user, item=self.item, new_parent=form.cleaned_data["parent"],
            position=form.cleaned_data["position"],
            expected_version=form.cleaned_data.get("version"),
        )

    def success_message_text(self):
        return _("Moved “%(item)s”.") % {"item": self.object}

    def get_success_url(self):
        return self.editor_url(self.object)

    def htmx_success(self):
        return self.render_tree(self.success_message_text(), focus=self.object)


# --- Items: full pages ------------------------------------------------------------------


class ItemUpdateView(ItemMixin, ServiceFormMixin, UpdateView):
    """Every field that applies to the item's level, implementers included."""

    template_name = TEMPLATES + "item_form.html"
    success_message = gettext_lazy("The item was saved.")

    def get_form(self, form_class=None):
        return PlanItemForm(**self.get_form_kwargs(), level=self.item.level)

    @property
    def is_measure(self):
        return self.item.level.role == LevelRole.MEASURE

    def get_formset(self):
        if not self.is_measure:
            return None
        if self.request.method == "POST":
            return ImplementerFormSet(self.request.POST, prefix="impl")
        initial = [{"organisation": link.organisation_id, "published_name": link.published_name}
                   for link in self.item.implementer_links.all()]
        return ImplementerFormSet(initial=initial, prefix="impl")

    def post(self, request, *args, **kwargs):
        self.object = self.item
        form = self.get_form()
        self.formset = self.get_formset()
        if form.is_valid() and (self.formset is None or self.formset.is_valid()):
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        if not hasattr(self, "formset"):
            self.formset = self.get_formset()
        kwargs.setdefault("formset", self.formset)
        kwargs.setdefault("title", _("Edit %(item)s") % {"item": self.item})
        summaries = list(self.item.summaries.order_by("-year"))
        kwargs.setdefault("summaries", summaries)
        kwargs.setdefault("new_summary_year", summaries[0].year + 1 if summaries
                          else SummaryForm.default_year())
        return super().get_context_data(**kwargs)

    def perform(self, form):
        data = form.service_data()
        return plan_services.plan_item_update(
            actor=self.request.user, item=self.item,
            expected_version=form.cleaned_data.get("version"),
            implementers=self.formset.implementers() if self.formset is not None else None,
            working_groups=form.cleaned_data.get("working_groups"), **data,
        )

    def get_success_url(self):
        return self.editor_url(self.object)


class ItemSummaryView(ItemMixin, ServiceFormMixin, FormView):
    """The narrative of one year; earlier years stay."""

    form_class = SummaryForm
    template_name = TEMPLATES + "item_summary.html"
    success_message = gettext_lazy("The summary of the year was saved.")

    def get_initial(self):
        year = _int(self.request.GET.get("year"))
        summaries = list(self.item.summaries.order_by("-year"))
        existing = next((s for s in summaries if s.year == year), None)
        if year is None and summaries:
            existing = summaries[0]
        if existing is not None:
            return {"year": existing.year, "title": existing.title, "text": existing.text,
                    "version": existing.version}
        year = year if year and 1990 <= year <= 2100 else SummaryForm.default_year()
        return {"year": year, "title": SummaryForm.default_title(year), "version": 0}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Summary of the year: %(item)s") % {"item": self.item})
        kwargs.setdefault("summaries", self.item.summaries.order_by("-year"))
        return super().get_context_data(**kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return plan_services.item_summary_set(
            actor=self.request.user, item=self.item, year=data["year"], title=data["title"],
            text=data["text"], expected_version=data.get("version"),
        )

    def get_success_url(self):
        return reverse("planning:plan_item_update", args=[self.plan.code, self.item.pk])


class ItemDeleteView(ItemMixin, TemplateView):
    """A confirmation page: what goes with the item, then a POST."""

    template_name = TEMPLATES + "item_delete.html"

    def get_context_data(self, **kwargs):
        items = editor_items(self.plan)
        nodes = {n.item.pk: n for root in build_tree(items) for n in root.walk()}
        node = nodes.get(self.item.pk)
        descendants = [n.item for n in node.walk()][1:] if node else []
        kwargs.setdefault("descendants", descendants)
        kwargs.setdefault("title", _("Delete %(item)s?") % {"item": self.item})
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        label, parent = str(self.item), self.item.parent
        plan_services.plan_item_delete(actor=request.user, item=self.item)
        messages.success(request, _("Deleted “%(item)s”.") % {"item": label})
        return HttpResponseRedirect(self.editor_url(parent))


class ItemHistoryView(ItemMixin, TemplateView):
    """Every change of an item, newest first. A deleted item keeps its history
    here too (its id is kept), with the way to bring it back."""

    template_name = TEMPLATES + "item_history.html"

    def get(self, request, *args, **kwargs):
        try:
            self.item  # noqa: B018 - looked up once; a deleted item is not found
        except Http404:
            return self.deleted_item_history()
        return super().get(request, *args, **kwargs)

    def deleted_item_history(self):
        entries = list(selectors.item_history_entries(self.kwargs["pk"]))
        deletion = next((e for e in entries if e.action == AuditAction.DELETE), None)
        restorable = (plan_services.deleted_item_entry(self.plan, deletion)
                      if deletion is not None else None)
        if restorable is None:
            raise Http404
        name = restorable.changes.get("items", [[""]])[0]
        name = name[0] if name else ""
        if deletion.pk != restorable.pk:
            name = deletion.object_repr
        return self.render_to_response({
            "plan": self.plan, "entries": entries, "deleted": True, "deletion": restorable,
            "deleted_with": deletion.pk != restorable.pk, "editor_url": self.editor_url(),
            "title": _("History of %(item)s (deleted)") % {"item": name},
        })

    def get_context_data(self, **kwargs):
        entries = list(audit_entries_for(self.item))
        kwargs.setdefault("entries", entries)
        kwargs.setdefault("title", _("History of %(item)s") % {"item": self.item})
        return super().get_context_data(**kwargs)


class DeletedItemsView(PlanEditorMixin, TemplateView):
    """The plan's deleted items, newest deletion first, each with what went
    with it and the way to bring it back."""

    template_name = TEMPLATES + "deleted_items.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.deleted_item_entries(self.plan), self.paginate_by) \
            .get_page(self.request.GET.get("page"))
        entries = list(page.object_list)
        present = set(PlanItem.objects.filter(pk__in=[int(e.object_id) for e in entries])
                      .values_list("pk", flat=True)) if entries else set()
        for entry in entries:
            entry.restored = int(entry.object_id) in present
            entry.removed = (entry.changes.get("items") or [[]])[0] or [entry.object_repr]
        return super().get_context_data(
            plan=self.plan, page_obj=page, entries=entries, editor_url=self.editor_url(),
            title=_("Deleted items of %(plan)s") % {"plan": self.plan}, **kwargs)


class ItemUndeleteView(PlanEditorMixin, View):
    """POST: bring a deleted item (and what went with it) back."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = selectors.deleted_item_entries(self.plan).filter(pk=kwargs["entry_pk"]).first()
        if entry is None:
            raise Http404
        try:
            item = plan_services.plan_item_undelete(actor=request.user, plan=self.plan,
                                                    entry=entry)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("planning:plan_deleted_items",
                                                args=[self.plan.code]))
        messages.success(request, _("“%(item)s” is back in the plan.") % {"item": item})
        return HttpResponseRedirect(self.editor_url(item))


class ItemRestoreView(ItemMixin, TemplateView):
    """POST `entry` (and the `version` the officer saw): bring that version back
    as a new, audited change."""

    template_name = TEMPLATES + "item_history.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = audit_entries_for(self.item).filter(pk=_int(request.POST.get("entry"))).first()
        history = ItemHistoryView(request=request, kwargs=self.kwargs, args=self.args)
        history._plan, history._item = self.plan, self.item
        if entry is None or entry.snapshot is None or entry.action == AuditAction.DELETE:
            messages.error(request, _("That version cannot be restored."))
            return HttpResponseRedirect(reverse("planning:plan_item_history",
                                                args=[self.plan.code, self.item.pk]))
        try:
            plan_services.plan_item_restore(
                actor=request.user, item=self.item, entry=entry,
                expected_version=_int(request.POST.get("version")),
            )
        except StaleEditError as stale:
            return TemplateResponse(request, self.template_name, history.get_context_data(
                stale_message=str(stale), stale_entries=stale.entries), status=409)
        except ValidationError as error:
            return TemplateResponse(request, self.template_name, history.get_context_data(
                restore_error=_("This version cannot be restored: %(reason)s") % {
                    "reason": " ".join(error.messages)}))
        when = entry.created_at
        messages.success(request, _("The version of %(when)s was restored.") % {
            "when": _format_datetime(when)})
        return HttpResponseRedirect(reverse("planning:plan_item_history",
                                            args=[self.plan.code, self.item.pk]))


def _format_datetime(value):
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")

