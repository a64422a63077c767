import re

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from directory.models import City, Organisation, WorkingGroup


class PlanKind(models.TextChoices):
    COMMUNITY_PLAN = "kp", _("community plan of social services")
    SOCIAL_INCLUSION_PLAN = "psz", _("social inclusion plan")
    OTHER = "other", _("other strategy")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLIC_COMMENT = "public_comment", _("public comment")
    APPROVED = "approved", _("approved")
    IN_FORCE = "in_force", _("in force")
    ARCHIVED = "archived", _("archived")


# Which status may follow which. A plan in public comment may go back to draft
# when the comments call for a rework.
PLAN_TRANSITIONS = {
    PlanStatus.DRAFT: (PlanStatus.PUBLIC_COMMENT, PlanStatus.APPROVED),
    PlanStatus.PUBLIC_COMMENT: (PlanStatus.DRAFT, PlanStatus.APPROVED),
    PlanStatus.APPROVED: (PlanStatus.IN_FORCE, PlanStatus.ARCHIVED),
    PlanStatus.IN_FORCE: (PlanStatus.ARCHIVED,),
    PlanStatus.ARCHIVED: (),
}
PUBLIC_PLAN_STATUSES = (
    PlanStatus.PUBLIC_COMMENT, PlanStatus.APPROVED, PlanStatus.IN_FORCE, PlanStatus.ARCHIVED,
)


class PlanLanguage(models.TextChoices):
    """The language a plan's documents (the interim evaluation) are printed in."""

    CS = "cs", _("Czech")
    EN = "en", _("English")


class PlanQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC_PLAN_STATUSES)

    def with_measure_count(self):
        """`measure_count`: the plan's measures, a measure printed twice (the
        same code and title, planning.selectors.measure_key) counted once."""
        measure = Q(items__level__role=LevelRole.MEASURE)
        no_code = Q(items__code="")
        return self.annotate(measure_count=(
            models.Count("items", filter=measure & no_code)
            + models.Count(Concat(Trim("items__code"), models.Value("\x1f"),
                                  Trim("items__title"), output_field=models.TextField()),
                           filter=measure & ~no_code, distinct=True)))


class Plan(ChecksInOneQuery):
    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.PROTECT,
                             related_name="plans", editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices)
    ordinal = models.PositiveSmallIntegerField(_("ordinal"), null=True, blank=True,
                                               help_text=_("e.g. 7 for the 7th community plan"))
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True,
                                help_text=_("e.g. Akční plán I."))
    code = models.SlugField(_("short code"), max_length=60, unique=True,
                            help_text=_("Used in addresses, e.g. psz-2022-2027."))
    description = models.TextField(_("description"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("from year"))
    period_end = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    approved_by = models.CharField(_("approving body"), max_length=200, blank=True)
    resolution_number = models.CharField(_("resolution number"), max_length=100, blank=True)
    resolution_date = models.DateField(_("resolution date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    working_group = models.ForeignKey(
        WorkingGroup, verbose_name=_("drafted by working group"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="plans",
    )
    language = models.CharField(_("language of its documents"), max_length=5,
                                choices=PlanLanguage.choices, default=PlanLanguage.CS)
    currency = models.CharField(_("currency"), max_length=3, default="CZK",
                                validators=[RegexValidator(r"^[A-Z]{3}$", _(
                                    "An ISO 4217 code: three capital letters, e.g. CZK or EUR."))],
                                help_text=_("ISO 4217 code of the plan's amounts, e.g. CZK."))
    # The public comment period (veřejné připomínkové řízení): comments are
    # taken while the plan is in public comment and today is within these
    # days (either may be left open).
    comments_open_from = models.DateField(
        _("comments open from"), null=True, blank=True,
        help_text=_("First day of the public comment period."))
    comments_open_to = models.DateField(
        _("comments open until"), null=True, blank=True,
        help_text=_("Last day of the public comment period (comments sent that day count)."))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
                violation_error_message=_("The plan cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PlanStatus]), name="plan_status_valid"
            ),
            models.CheckConstraint(condition=Q(language__in=[c.value for c in PlanLanguage]),
                                   name="plan_language_valid",
                                   violation_error_message=_(
                                       "Choose a language of the plan from the list.")),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"),
                                   name="plan_currency_iso_4217",
                                   violation_error_message=_(
                                       "The currency is a three-letter ISO 4217 code in capitals, "
                                       "such as CZK.")),
            models.CheckConstraint(
                condition=Q(comments_open_from__isnull=True) | Q(comments_open_to__isnull=True)
                | Q(comments_open_to__gte=models.F("comments_open_from")),
                name="plan_comment_period_ordered",
                violation_error_message=_("The comment period cannot end before it starts.")),
        ]

    def __str__(self):
        return f"{self.title} – {self.subtitle}" if self.subtitle else self.title

    def get_absolute_url(self):
        return reverse("planning:plan_detail", args=[self.code])

    @property
    def is_public(self):
        return self.status in PUBLIC_PLAN_STATUSES

    def comment_period_state(self, today=None):
        """"open", "not_yet" or "ended" by the dates of the comment period
        (the status is asked separately)."""
        today = today or timezone.localdate()
        if self.comments_open_from and today < self.comments_open_from:
            return "not_yet"
        if self.comments_open_to and today > self.comments_open_to:
            return "ended"
        return "open"

    def clean(self):
        super().clean()
        start, end = self.comments_open_from, self.comments_open_to
        if start and end and end < start:
            raise ValidationError({"comments_open_to": _(
                "The comment period cannot end before it starts.")})


class LevelRole(models.TextChoices):
    AREA = "area", _("thematic area")
    GOAL = "goal", _("goal")
    SPECIFIC_GOAL = "specific_goal", _("specific goal")
    MEASURE = "measure", _("measure")
    OTHER = "other", _("other")


class PlanLevel(models.Model):
    """Each plan names its own levels: PSZ has thematic area → strategic goal →
    specific goal → measure; a community plan has goal → measure."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"),
                             on_delete=models.CASCADE, related_name="levels")
    depth = models.PositiveSmallIntegerField(_("depth"))
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=LevelRole.choices,
                            default=LevelRole.OTHER)

    class Meta:
        verbose_name = _("plan level")
        verbose_name_plural = _("plan levels")
        ordering = ["plan", "depth"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "depth"], name="plan_level_depth_unique"),
            models.CheckConstraint(condition=Q(depth__gte=1), name="plan_level_depth_positive"),
        ]

    def __str__(self):
        return self.name


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not implemented")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class ActivityType(models.TextChoices):
    PROJECT = "project", _("project activity")
    NON_PROJECT = "non_project", _("non-project activity")


class ServiceType(models.TextChoices):
    SAS = "SAS", _("SAS – social activation service")
    OSP = "OSP", _("OSP – specialised social counselling")
    TP = "TP", _("TP – field programme")
    SNP = "SNP", _("SNP – follow-up care service")
    CRISIS_HELP = "krizova_pomoc", _("crisis help")
    CARE_SERVICE = "pecovatelska_sluzba", _("care service")
    OTHER = "other", _("other")


# Text "as published" is kept whole: a cell of a workbook holds up to 32,767
# characters, a published field rarely more than a page.
PUBLISHED_TEXT_MAX = 2000
CODE_MAX = 100
SORT_KEY_MAX = 600
_CODE_PARTS = re.compile(r"(\d+)")


def code_sort_key(code):
    """A key that sorts codes as people read them: 1, 2, 10 and 2.1.3 before
    2.1.10 (numbers compared as numbers, the rest case-insensitively)."""
    parts = _CODE_PARTS.split((code or "").strip().casefold())
    key = "".join(part.zfill(10) if part.isdigit() else part for part in parts)
    return key[:SORT_KEY_MAX]


class PlanItemQuerySet(models.QuerySet):
    def measures(self):
        return self.filter(level__role=LevelRole.MEASURE)

    def in_public_plans(self):
        return self.filter(plan__status__in=PUBLIC_PLAN_STATUSES)


class PlanItem(ChecksInOneQuery):
    """One node of a plan at any level. Level-specific fields stay empty where
    they do not apply. Codes are kept exactly as published; inconsistencies are
    reported by the data checks, never corrected here."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"),
                             on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey("self", verbose_name=_("parent item"),
                               null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    level = models.ForeignKey(PlanLevel, verbose_name=_("level"),
                              on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=CODE_MAX, blank=True)
    # code_sort_key(code), kept by save() and the bulk import: lists sort by it.
    sort_key = models.CharField(max_length=SORT_KEY_MAX, blank=True, editable=False)
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    working_groups = models.ManyToManyField(WorkingGroup, verbose_name=_("working groups"),
                                            blank=True, related_name="plan_items")
    # Specific goal
    target_text = models.TextField(_("quantified target"), blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    # Measure
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices,
                              blank=True)
    status_text = models.CharField(_("status as published"), max_length=PUBLISHED_TEXT_MAX,
                                   blank=True)
    reports_done = models.PositiveSmallIntegerField(_("reports submitted"), null=True, blank=True)
    reports_total = models.PositiveSmallIntegerField(_("reports planned"), null=True, blank=True)
    implementers = models.ManyToManyField(Organisation, verbose_name=_("implementers"),
                                          through="PlanItemImplementer", blank=True,
                                          related_name="plan_items")
    implementers_text = models.CharField(_("implementers as published"),
                                         max_length=PUBLISHED_TEXT_MAX, blank=True)
    activity_type = models.CharField(_("activity type"), max_length=20,
                                     choices=ActivityType.choices, blank=True)
    activity_type_text = models.CharField(_("activity type as published"),
                                          max_length=PUBLISHED_TEXT_MAX, blank=True)
    service_type = models.CharField(_("service type"), max_length=30,
                                    choices=ServiceType.choices, blank=True)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    period_text = models.CharField(_("period as published"), max_length=PUBLISHED_TEXT_MAX,
                                   blank=True)
    ongoing = models.BooleanField(_("ongoing"), default=False)
    cross_cutting_priority = models.BooleanField(_("cross-cutting priority"), default=False)
    # Costs as printed ("2,5 mil. Kč ročně"), and the amount read from them
    # with its currency (ISO 4217), when the source gives one.
    costs_text = models.CharField(_("costs as published"), max_length=PUBLISHED_TEXT_MAX,
                                  blank=True)
    costs_amount = models.DecimalField(_("costs"), max_digits=16, decimal_places=2, null=True,
                                       blank=True)
    costs_currency = models.CharField(_("currency"), max_length=3, blank=True,
                                      help_text=_("ISO 4217 code, e.g. CZK or EUR"))
    footnote = models.TextField(_("footnote"), blank=True)
    source_page = models.CharField(_("page in the source"), max_length=50, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "parent_id", "position", "sort_key", "id"]
        indexes = [models.Index(fields=["plan", "parent", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reports_done__isnull=True) | Q(reports_total__isnull=True)
                | Q(reports_done__lte=models.F("reports_total")),
                name="plan_item_reports_within_total",
                violation_error_message=_(
                    "There cannot be more reports done than reports in total."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="plan_item_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="plan_item_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(costs_currency="") | Q(costs_currency__regex=r"^[A-Z]{3}$"),
                name="plan_item_costs_currency_iso",
            ),
            models.CheckConstraint(
                condition=Q(costs_amount__isnull=True) | Q(costs_amount__gte=0),
                name="plan_item_costs_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def save(self, *args, **kwargs):
        self.sort_key = code_sort_key(self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("planning:plan_item_detail", args=[self.plan.code, self.pk])

    @property
    def is_measure(self):
        return self.level.role == LevelRole.MEASURE

    def audit_snapshot_extra(self):
        return {"implementers": [
            [link.organisation_id, link.published_name]
            for link in self.implementer_links.order_by("position")
        ]}

    @property
    def reports_label(self):
        """'3/6' as the evaluation prints it next to the status."""
        if self.reports_total is None:
            return ""
        return f"{self.reports_done or 0}/{self.reports_total}"


class ImplementerRole(models.TextChoices):
    LEAD = "lead", _("lead")
    CO_LEAD = "co_lead", _("co-lead")
    COOPERATION = "cooperation", _("cooperation")


class PlanItemImplementer(models.Model):
    item = models.ForeignKey(PlanItem, verbose_name=_("plan item"), on_delete=models.CASCADE,
                             related_name="implementer_links")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.PROTECT,
                                     related_name="implementer_links")
    published_name = models.CharField(_("name as published"), max_length=PUBLISHED_TEXT_MAX,
                                      blank=True)
    role = models.CharField(_("responsibility"), max_length=20, choices=ImplementerRole.choices,
                            default=ImplementerRole.LEAD)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"],
                                    name="plan_item_implementer_unique")
        ]

    def __str__(self):
        return self.published_name or str(self.organisation)


class ItemYearSummary(models.Model):
    """'Shrnutí za rok 2023 a příležitosti v roce 2024': one narrative per item
    and year; earlier years stay."""

    item = models.ForeignKey(PlanItem, verbose_name=_("plan item"),
                             on_delete=models.CASCADE, related_name="summaries")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))  # sanitised HTML, see core.sanitize
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("summary of the year")
        verbose_name_plural = _("summaries of the year")
        ordering = ["item", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["item", "year"], name="item_year_summary_unique")
        ]

    def __str__(self):
        return self.title


# --- Change proposals and public comment ----------------------------------------


class ProposalKind(models.TextChoices):
    EDIT = "edit", _("change of an item")
    NEW = "new", _("new item")
    DELETE = "delete", _("removal of an item")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


# The fields of an item that a group manager may propose to change.
PROPOSABLE_FIELDS = (
    "title", "description", "target_text", "target_year", "status", "period_text", "footnote",
)


def _cascade_pending_else_null(collector, field, sub_objs, using):
    """When an item goes, its pending proposals go with it (there is nothing
    left to change); decided ones stay as a record, detached."""
    models.CASCADE(collector, field, sub_objs.filter(status=ProposalStatus.PENDING), using)
    models.SET_NULL(collector, field, sub_objs.exclude(status=ProposalStatus.PENDING), using)


_cascade_pending_else_null.lazy_sub_objs = True


class ChangeProposal(ChecksInOneQuery):
    """A group manager's proposal to change, add or remove an item of a plan;
    an officer accepts (applied through the plan services) or rejects it."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"),
                             on_delete=models.CASCADE, related_name="proposals")
    item = models.ForeignKey(PlanItem, verbose_name=_("item"), null=True, blank=True,
                             on_delete=_cascade_pending_else_null, related_name="proposals")
    parent = models.ForeignKey(PlanItem, verbose_name=_("under item"), null=True, blank=True,
                               on_delete=_cascade_pending_else_null,
                               related_name="child_proposals")
    item_label = models.CharField(_("item as proposed"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ProposalKind.choices)
    values = models.JSONField(_("proposed values"), default=dict, blank=True)
    original_values = models.JSONField(_("values when proposed"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey("accounts.User", verbose_name=_("proposed by"),
                                    on_delete=models.PROTECT, related_name="change_proposals")
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.PENDING)
    decided_by = models.ForeignKey("accounts.User", verbose_name=_("decided by"), null=True,
                                   blank=True, on_delete=models.PROTECT,
                                   related_name="decided_proposals")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    class Meta:
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["plan", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProposalStatus])
                & Q(kind__in=[k.value for k in ProposalKind]),
                name="change_proposal_choices_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ProposalStatus.PENDING, decided_by__isnull=True,
                      decided_at__isnull=True)
                    | (~Q(status=ProposalStatus.PENDING) & Q(decided_by__isnull=False,
                                                              decided_at__isnull=False))
                ),
                name="change_proposal_decided_iff_not_pending",
            ),
            # A pending edit or removal names its item; once decided, the item
            # may since have been deleted.
            models.CheckConstraint(
                condition=Q(kind=ProposalKind.NEW) | Q(item__isnull=False)
                | ~Q(status=ProposalStatus.PENDING),
                name="change_proposal_item_unless_new",
            ),
        ]

    def __str__(self):
        return _("Proposal #%(n)s") % {"n": self.pk}

    def get_absolute_url(self):
        return reverse("planning:proposal_decide", args=[self.plan.code, self.pk])

    def readable_values(self):
        """[(the field's name for people, value)]: "Název: …", never "title: …";
        a choice by its label, a year without grouping."""
        readable = []
        for name, value in self.values.items():
            try:
                field = PlanItem._meta.get_field(name)
            except FieldDoesNotExist:
                readable.append((name, value))
                continue
            if field.choices and value not in (None, ""):
                value = dict(field.flatchoices).get(value, value)
            readable.append((capfirst(field.verbose_name), "" if value is None else str(value)))
        return readable


class CommentModeration(models.TextChoices):
    PENDING = "pending", _("awaiting moderation")
    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden")


class CommentSettlement(models.TextChoices):
    UNSETTLED = "unsettled", _("not settled yet")
    ACCEPTED = "accepted", _("accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("partly accepted")
    REJECTED = "rejected", _("rejected")
    NOTED = "noted", _("taken into account")


class PlanComment(ChecksInOneQuery):
    """A comment from the public comment period (veřejné připomínkové řízení),
    on an item or on the plan as a whole. Plain text; the author's e-mail and
    address are never shown publicly (only a salted hash of the address is kept,
    for throttling)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"),
                             on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(PlanItem, verbose_name=_("item"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField(_("name"), max_length=200, blank=True)
    author_email = models.EmailField(_("e-mail"), blank=True)
    text = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    client_ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    moderation = models.CharField(_("moderation"), max_length=10,
                                  choices=CommentModeration.choices,
                                  default=CommentModeration.PENDING)
    settlement = models.CharField(_("settlement"), max_length=20,
                                  choices=CommentSettlement.choices,
                                  default=CommentSettlement.UNSETTLED)
    settlement_text = models.TextField(_("how it was settled"), blank=True, max_length=5000)
    settled_by = models.ForeignKey("accounts.User", verbose_name=_("settled by"), null=True,
                                   blank=True, on_delete=models.SET_NULL,
                                   related_name="settled_comments")
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["plan", "item", "moderation"]),
            models.Index(fields=["plan", "settlement"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(moderation__in=[m.value for m in CommentModeration])
                & Q(settlement__in=[s.value for s in CommentSettlement]),
                name="plan_comment_choices_valid",
            ),
            models.CheckConstraint(
                condition=Q(settlement=CommentSettlement.UNSETTLED) | Q(settled_at__isnull=False),
                name="plan_comment_settled_at_when_settled",
            ),
        ]

    def __str__(self):
        return _("Comment #%(n)s") % {"n": self.pk}


class PlanSourceNote(models.Model):
    """An inconsistency of the published source, noted when the plan was
    imported (a rounded total, a code printed twice, a typo). The data is
    kept as published; the note tells officers what is odd and how it was
    kept. Shown on the plan's data-checks page."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"),
                             on_delete=models.CASCADE, related_name="source_notes")
    position = models.PositiveIntegerField(_("order"))
    where = models.CharField(_("where in the source"), max_length=300)
    what = models.TextField(_("what is inconsistent"))
    kept_as = models.TextField(_("how it is kept"), blank=True)

    class Meta:
        verbose_name = _("note on the source")
        verbose_name_plural = _("notes on the source")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"],
                                    name="plan_source_note_position_unique")
        ]

    def __str__(self):
        return self.where
