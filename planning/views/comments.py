"""Change proposals of group managers, and public comment with its moderation
and settlement by officers."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from core.exports import csv_response, xlsx_response
from core.middleware import client_ip
from core.throttle import throttle_hit

from .. import permissions, selectors
from ..forms.comments import (
    CommentFilterForm,
    CommentForm,
    DecisionForm,
    ModerateForm,
    NewItemProposalForm,
    ProposalForm,
    SettleForm,
)
from ..models import (
    ChangeProposal,
    CommentModeration,
    CommentSettlement,
    Plan,
    PlanComment,
    PlanItem,
    ProposalStatus,
)
from ..services import comments as comment_services
from ..services import proposals as proposal_services

COMMENT_LIMIT = 5  # per client address ...
COMMENT_WINDOW = 600  # ... per 10 minutes
PAGE_SIZE = 25


def _deny(request):
    """As RuleRequiredMixin: anonymous visitors log in, signed-in users get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _url_or(url_name, args, fallback):
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:  # the public plan pages are another feature's
        return fallback


def item_url(plan, item, fallback):
    if item is None:
        return _url_or("planning:plan_detail", [plan.code], fallback)
    return _url_or("planning:plan_item_detail", [plan.code, item.pk], fallback)


class PlanScopedMixin:
    """Loads `self.plan` from the URL's code (and `self.item`, when the URL
    names one, from that plan only) before the permission check."""

    item_kwarg = "item_pk"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.plan = get_object_or_404(Plan.objects.select_related("working_group"),
                                      code=kwargs["code"])
        self.item = None
        if self.item_kwarg in kwargs:
            self.item = get_object_or_404(
                PlanItem.objects.select_related("level", "parent"),
                plan=self.plan, pk=kwargs[self.item_kwarg],
            )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("plan", self.plan)
        kwargs.setdefault("item", self.item)
        return super().get_context_data(**kwargs)


# --- Change proposals ------------------------------------------------------------


class ProposalCreateView(PlanScopedMixin, FormView):
    """A group manager's proposal to change or remove an item (`new=False`) or
    to add an item under it (`new=True`; without an item: at the top level)."""

    template_name = "planning/proposals/form.html"
    form_class = ProposalForm
    new = False

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_propose_change(request.user, self.plan):
            return _deny(request)
        if not permissions.can_propose_change_to_item(request.user, self.plan, self.item):
            raise PermissionDenied
        if self.new:
            self.role = proposal_services.level_role_below(self.plan, self.item)
            if self.role is None:
                raise Http404("no level below this item")
            self.fields = proposal_services.fields_for_role(self.role)
        else:
            if self.item is None:
                raise Http404
            self.fields = proposal_services.fields_for_role(self.item.level.role)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return NewItemProposalForm if self.new else ProposalForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.new:
            levels = list(self.plan.levels.all())
            kwargs.update(
                plan=self.plan, item=self.item, levels=levels,
                parents=selectors.proposable_parents(self.request.user, self.plan, levels),
                top_allowed=permissions.can_propose_change_to_item(
                    self.request.user, self.plan, None))
        else:
            kwargs.update(fields=self.fields, new=False, item=self.item)
        return kwargs

    def get_context_data(self, **kwargs):
        if self.new:
            title = _("Propose a new item")
        else:
            title = _("Propose a change to “%(item)s”") % {"item": self.item}
        return super().get_context_data(
            title=title,
            cancel_url=item_url(self.plan, self.item,
                                reverse("planning:proposal_list", args=[self.plan.code])),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.proposal = proposal_services.proposal_create(
                actor=self.request.user, plan=self.plan, kind=form.kind(),
                values=form.values(),
                item=None if self.new else self.item,
                parent=form.parent if self.new else None,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your proposal was sent to the city's officers."))
        return HttpResponseRedirect(reverse("planning:proposal_list", args=[self.plan.code]))


def _errors_to_form(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ProposalListView(PlanScopedMixin, TemplateView):
    """Officers: every proposal of the plan, pending first, with counts per
    status. A group manager: their own proposals."""

    template_name = "planning/proposals/list.html"

    def dispatch(self, request, *args, **kwargs):
        self.officer = permissions.can_decide_proposal(request.user, self.plan)
        if not self.officer and not permissions.can_propose_change(request.user, self.plan):
            return _deny(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        proposals = ChangeProposal.objects.filter(plan=self.plan)
        if not self.officer:
            proposals = proposals.filter(proposed_by=self.request.user)
        return proposals

    def get_context_data(self, **kwargs):
        proposals = self.get_queryset()
        counts = proposals.aggregate(
            total=Count("pk"),
            **{s.value: Count("pk", filter=Q(status=s.value)) for s in ProposalStatus},
        )
        status = self.request.GET.get("status", "")
        if status in ProposalStatus.values:
            proposals = proposals.filter(status=status)
        else:
            status = ""
        proposals = (
            proposals.select_related("item", "parent", "proposed_by", "decided_by")
            .annotate(pending_first=Case(When(status=ProposalStatus.PENDING, then=Value(0)),
                                         default=Value(1), output_field=IntegerField()))
            .order_by("pending_first", "-created_at", "-id")
        )
        page = Paginator(proposals, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            officer=self.officer, page=page, counts=counts, status=status,
            query=f"status={status}" if status else "",
            statuses=[(s.value, s.label, counts[s.value]) for s in ProposalStatus],
            **kwargs,
        )


class ProposalDecideView(PlanScopedMixin, FormView):
    template_name = "planning/proposals/decide.html"
    form_class = DecisionForm

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_decide_proposal(request.user, self.plan):
            return _deny(request)
        self.proposal = get_object_or_404(
            ChangeProposal.objects.select_related("item__level", "parent", "proposed_by",
                                                  "decided_by"),
            plan=self.plan, pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        proposal = self.proposal
        rows = []
        for name, value in proposal.values.items():
            field = PlanItem._meta.get_field(name)
            current = getattr(proposal.item, name) if proposal.item is not None else None

            def show(v, field=field):
                if v in (None, ""):
                    return ""
                return str(dict(field.flatchoices).get(v, v)) if field.choices else str(v)

            rows.append({
                "label": field.verbose_name,
                "original": show(proposal.original_values.get(name)),
                "current": show(current),
                "proposed": show(value),
                "changed_since": (proposal.item is not None
                                  and name in proposal.original_values
                                  and current != proposal.original_values[name]),
            })
        return super().get_context_data(
            proposal=proposal, rows=rows, title=str(proposal),
            pending=proposal.status == ProposalStatus.PENDING, **kwargs,
        )

    def form_valid(self, form):
        if self.proposal.status != ProposalStatus.PENDING:
            form.add_error(None, _("This proposal has already been decided."))
            return self.form_invalid(form)
        comment = form.cleaned_data.get("comment", "")
        try:
            if form.cleaned_data["decision"] == "accept":
                proposal_services.proposal_accept(actor=self.request.user,
                                                  proposal=self.proposal, comment=comment)
                messages.success(self.request, _("The proposal was accepted and applied."))
            else:
                proposal_services.proposal_reject(actor=self.request.user,
                                                  proposal=self.proposal, comment=comment)
                messages.success(self.request, _("The proposal was rejected."))
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("planning:proposal_list", args=[self.plan.code]))


# --- Public comment ---------------------------------------------------------------


class CommentCreateView(PlanScopedMixin, FormView):
    """Anyone may comment while the plan is in public comment. Spam (the
    honeypot filled in, or a submission faster than a person can write) is
    refused without saying why; each address may send a few comments per
    window."""

    template_name = "planning/comments/form.html"
    form_class = CommentForm

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_view_plan(request.user, self.plan):
            return _deny(request)
        if not permissions.can_comment_on_plan(request.user, self.plan):
            return self.closed()
        return super().dispatch(request, *args, **kwargs)

    def closed(self):
        return TemplateResponse(self.request, "planning/comments/closed.html",
                                {"plan": self.plan, "item": self.item}, status=403)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back_url=item_url(self.plan, self.item, ""), **kwargs,
        )

    def form_valid(self, form):
        ip = client_ip(self.request)
        key = f"plan-comment:{comment_services.client_ip_hash(ip)}"
        if not throttle_hit(key, COMMENT_LIMIT, COMMENT_WINDOW):
            return TemplateResponse(self.request, "planning/comments/throttled.html",
                                    {"plan": self.plan, "item": self.item,
                                     "minutes": COMMENT_WINDOW // 60}, status=429)
        if form.is_spam:
            form.fresh_token()
            form.add_error(None, _("Your comment could not be accepted. Please check it and "
                                   "send it again."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            comment_services.comment_create(
                actor=self.request.user, plan=self.plan, item=self.item,
                text=form.cleaned_data["text"],
                author_name=form.cleaned_data.get("author_name", ""),
                author_email=form.cleaned_data.get("author_email", ""),
                client_ip=ip,
            )
        except comment_services.CommentingClosed:
            return self.closed()
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you. Your comment was received; it will be "
                                         "published after moderation."))
        return HttpResponseRedirect(item_url(self.plan, self.item, self.request.path))

    def form_invalid(self, form):
        form.fresh_token()
        return super().form_invalid(form)


class ModeratorMixin(PlanScopedMixin):
    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_moderate_comments(request.user, self.plan):
            return _deny(request)
        if "pk" in kwargs:
            self.comment = get_object_or_404(
                PlanComment.objects.select_related("item", "settled_by"),
                plan=self.plan, pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def moderation_url(self):
        return reverse("planning:comment_moderation", args=[self.plan.code])


class CommentModerationView(ModeratorMixin, TemplateView):
    """Officers: the plan's comments with counts per item, filtered by
    moderation and settlement, with publish / hide and settle actions."""

    template_name = "planning/comments/moderation.html"

    def get_context_data(self, **kwargs):
        comments = PlanComment.objects.filter(plan=self.plan)
        per_item = list(
            comments.values("item_id", "item__code", "item__title")
            .annotate(
                total=Count("pk"),
                pending=Count("pk", filter=Q(moderation=CommentModeration.PENDING)),
                published=Count("pk", filter=Q(moderation=CommentModeration.PUBLISHED)),
                unsettled=Count("pk", filter=Q(settlement=CommentSettlement.UNSETTLED)),
            )
            .order_by("item__parent_id", "item__position", "item_id")
        )
        totals = {key: sum(row[key] for row in per_item)
                  for key in ("total", "pending", "published", "unsettled")}
        filters = CommentFilterForm(self.request.GET or None)
        if filters.is_valid():
            data = filters.cleaned_data
            if data.get("moderation"):
                comments = comments.filter(moderation=data["moderation"])
            if data.get("settlement"):
                comments = comments.filter(settlement=data["settlement"])
            if data.get("item"):
                comments = comments.filter(item_id=data["item"])
        comments = comments.select_related("item", "settled_by").order_by("created_at", "id")
        page = Paginator(comments, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            per_item=per_item, totals=totals, filters=filters, page=page,
            query=query.urlencode(), next_url=self.request.get_full_path(), **kwargs,
        )


class SettlementExportView(ModeratorMixin, View):
    """The settlement of the comments (vypořádání připomínek) as a table for
    the council: XLSX or CSV, formulas neutralised (core.exports)."""

    def get(self, request, *args, **kwargs):
        if kwargs["fmt"] not in ("xlsx", "csv"):
            raise Http404
        header, rows = selectors.settlement_rows(self.plan)
        name = f"vyporadani-pripominek-{self.plan.code}"
        if kwargs["fmt"] == "xlsx":
            return xlsx_response(f"{name}.xlsx", header, rows,
                                 sheet_title=_("Settlement of comments"))
        return csv_response(f"{name}.csv", header, rows)


class CommentModerateView(ModeratorMixin, View):
    """POST only: publish or hide one comment."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ModerateForm(request.POST)
        if form.is_valid():
            comment_services.comment_moderate(actor=request.user, comment=self.comment,
                                              moderation=form.cleaned_data["moderation"])
            messages.success(request, _("%(comment)s: %(state)s.") % {
                "comment": self.comment,
                "state": CommentModeration(form.cleaned_data["moderation"]).label,
            })
        else:
            messages.error(request, _("Choose publish or hide."))
        target = request.POST.get("next", "")
        if not (target.startswith(self.moderation_url()) and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
            target = self.moderation_url()
        return HttpResponseRedirect(target)


class CommentSettleView(ModeratorMixin, FormView):
    template_name = "planning/comments/settle.html"
    form_class = SettleForm

    def get_initial(self):
        return {"settlement": self.comment.settlement,
                "settlement_text": self.comment.settlement_text}

    def get_context_data(self, **kwargs):
        return super().get_context_data(comment=self.comment, cancel_url=self.moderation_url(),
                                        title=gettext_lazy("Settle the comment"), **kwargs)

    def form_valid(self, form):
        try:
            comment_services.comment_settle(
                actor=self.request.user, comment=self.comment,
                settlement=form.cleaned_data["settlement"],
                text=form.cleaned_data.get("settlement_text", ""),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The settlement was saved."))
        return HttpResponseRedirect(self.moderation_url())

