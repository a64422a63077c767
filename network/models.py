"""The city's network of social services and related activities, with the
history of every change: each service has dated versions (valid from, valid
to), so the network can be shown as it stood on any day."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.collation import czech
from core.constraints import ChecksInOneQuery

REGISTER_ID_PATTERN = r"^[0-9]{7}$"

validate_register_id = RegexValidator(
    r"^[0-9]{7}\Z",
    _("The identifier of the national register of social services has exactly 7 digits."),
)

CAPACITY = {"max_digits": 10, "decimal_places": 2}


class KindGroup(models.TextChoices):
    """The three groups of social services of Act No. 108/2006 Sb., § 32."""

    COUNSELLING = "counselling", _("social counselling")
    CARE = "care", _("social care services")
    PREVENTION = "prevention", _("social prevention services")


class ServiceKind(ChecksInOneQuery):
    """A kind of social service by its paragraph of the Social Services Act
    (§ 37 odborné sociální poradenství … § 70 sociální rehabilitace)."""

    # Rows a data migration fills (0002); kept when a test flushes the database.
    reference_data = True

    paragraph = models.CharField(
        _("paragraph"), max_length=6, unique=True,
        validators=[RegexValidator(r"^[0-9]{2}[a-z]?\Z", _("A paragraph number, e.g. 37 or 60a."))],
        help_text=_("The paragraph of Act No. 108/2006 Sb., e.g. 65 or 60a."),
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=KindGroup.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("kind of social service")
        verbose_name_plural = _("kinds of social services")
        ordering = ["position", "paragraph"]
        constraints = [
            models.CheckConstraint(condition=Q(group__in=[g.value for g in KindGroup]),
                                   name="service_kind_group_valid"),
            models.CheckConstraint(condition=Q(paragraph__regex=r"^[0-9]{2}[a-z]?$"),
                                   name="service_kind_paragraph_format"),
        ]

    def __str__(self):
        return f"§ {self.paragraph} {self.name}"


class ServiceForm(models.TextChoices):
    """Forms of providing a service (§ 33 of the Act)."""

    RESIDENTIAL = "residential", _("residential")
    OUTPATIENT = "outpatient", _("outpatient")
    FIELD = "field", _("field")


class TargetGroup(models.Model):
    """A target group as the national register lists them."""

    # Rows a data migration fills (0002); kept when a test flushes the database.
    reference_data = True

    name = models.CharField(_("name"), max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["position", czech("name")]

    def __str__(self):
        return self.name


class CapacityUnit(models.Model):
    """What a capacity is counted in: úvazky, lůžka, hodiny, …"""

    # Rows a data migration fills (0002); kept when a test flushes the database.
    reference_data = True

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True,
                            help_text=_("As a total is labelled, e.g. úvazky."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("capacity unit")
        verbose_name_plural = _("capacity units")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class ServiceCategory(models.TextChoices):
    SERVICE = "service", _("social service")
    ACTIVITY = "activity", _("related activity")


class ServiceQuerySet(models.QuerySet):
    def services(self):
        return self.filter(category=ServiceCategory.SERVICE)

    def activities(self):
        return self.filter(category=ServiceCategory.ACTIVITY)


class Service(ChecksInOneQuery):
    """A registered social service, or a related activity (související
    aktivita) that the city supports beside them: no register identifier and
    no kind. What may change over time (name, forms, groups, areas,
    territory, capacity) lives in its versions."""

    city = models.ForeignKey("directory.City", verbose_name=_("city"), on_delete=models.PROTECT,
                             related_name="services")
    category = models.CharField(_("category"), max_length=10, choices=ServiceCategory.choices,
                                default=ServiceCategory.SERVICE)
    provider = models.ForeignKey("directory.Organisation", verbose_name=_("provider"),
                                 on_delete=models.PROTECT, related_name="services")
    # The name is not versioned: a renamed service is shown by its present
    # name on every date (the audit trail keeps the old one).
    name = models.CharField(_("name"), max_length=300)
    register_id = models.CharField(
        _("register identifier"), max_length=7, blank=True, validators=[validate_register_id],
        help_text=_("The 7-digit identifier of the service in the national register of "
                    "social services; empty for a related activity."),
    )
    kind = models.ForeignKey(ServiceKind, verbose_name=_("kind of service"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="services")
    network_from = models.DateField(_("in the network from"))
    network_to = models.DateField(_("in the network to"), null=True, blank=True,
                                  help_text=_("The last day; empty while the service stays."))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("social service")
        verbose_name_plural = _("social services")
        ordering = [czech("name"), "id"]
        # The public network list (by name, one page) walks this index and
        # joins each service's version, instead of sorting every version.
        indexes = [models.Index(fields=["name", "id"], name="service_list_order")]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=[c.value for c in ServiceCategory]),
                                   name="service_category_valid"),
            models.CheckConstraint(
                condition=Q(register_id="") | Q(register_id__regex=REGISTER_ID_PATTERN),
                name="service_register_id_seven_digits"),
            models.CheckConstraint(
                condition=(Q(category=ServiceCategory.SERVICE) & ~Q(register_id="")
                           & Q(kind__isnull=False))
                | (Q(category=ServiceCategory.ACTIVITY) & Q(register_id="")
                   & Q(kind__isnull=True)),
                name="service_register_id_and_kind_by_category"),
            models.UniqueConstraint(
                fields=["city", "register_id"], condition=~Q(register_id=""),
                name="service_register_id_unique_in_city",
                violation_error_message=_("A service with this register identifier is already "
                                          "in the city's network.")),
            models.CheckConstraint(
                condition=Q(network_to__isnull=True) | Q(network_to__gte=models.F("network_from")),
                name="service_network_period_ordered"),
        ]

    def __str__(self):
        return f"{self.register_id} {self.name}" if self.register_id else self.name

    def get_absolute_url(self):
        return reverse("network:service_detail", args=[self.pk])

    @property
    def is_activity(self):
        return self.category == ServiceCategory.ACTIVITY

    def clean(self):
        super().clean()
        if self.category == ServiceCategory.SERVICE:
            errors = {}
            if not self.register_id:
                errors["register_id"] = _("A social service has its register identifier.")
            if not self.kind_id:
                errors["kind"] = _("A social service has its kind.")
            if errors:
                raise ValidationError(errors)
        elif self.register_id or self.kind_id:
            raise ValidationError(_("A related activity has no register identifier and no "
                                    "kind of service."))
        if self.network_to and self.network_from and self.network_to < self.network_from:
            raise ValidationError({"network_to": _(
                "The service cannot leave the network before it entered it.")})


class ServiceVersionQuerySet(models.QuerySet):
    def valid_on(self, day):
        """The versions in force on `day` of services in the network that day."""
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day,
            service__network_from__lte=day,
        ).filter(Q(service__network_to__isnull=True) | Q(service__network_to__gte=day))

    def with_related(self):
        return self.select_related(
            "service__provider", "service__kind", "capacity_unit", "territory",
        ).prefetch_related("target_groups", "support_areas", "form_rows")


class ServiceVersion(ChecksInOneQuery):
    """A service as it stood from `valid_from` to the day before `valid_to`
    (open while `valid_to` is empty), with who changed it, when and why."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE,
                                related_name="versions")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True,
                                help_text=_("The first day the next version holds."))
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"),
                                           blank=True, related_name="service_versions")
    support_areas = models.ManyToManyField("directory.SupportArea",
                                           verbose_name=_("support areas"), blank=True,
                                           related_name="service_versions")
    territory = models.ForeignKey("directory.Territory", verbose_name=_("territory"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="service_versions")
    territory_text = models.CharField(
        _("area served"), max_length=300, blank=True,
        help_text=_("Where the service works, as the provider describes it, e.g. city "
                    "districts."))
    capacity_value = models.DecimalField(_("capacity"), null=True, blank=True, **CAPACITY)
    capacity_unit = models.ForeignKey(CapacityUnit, verbose_name=_("capacity unit"), null=True,
                                      blank=True, on_delete=models.PROTECT,
                                      related_name="service_versions")
    note = models.TextField(
        _("note"), blank=True,
        help_text=_("Shown on the public page, e.g. that a capacity is illustrative."))
    reason = models.CharField(_("reason for the change"), max_length=500, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    objects = ServiceVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version of a service")
        verbose_name_plural = _("versions of services")
        ordering = ["service", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["service", "valid_from"],
                                    name="service_version_start_unique"),
            models.UniqueConstraint(fields=["service"], condition=Q(valid_to__isnull=True),
                                    name="service_version_one_open"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="service_version_period_ordered"),
            models.CheckConstraint(
                condition=Q(capacity_value__isnull=True, capacity_unit__isnull=True)
                | Q(capacity_value__isnull=False, capacity_unit__isnull=False),
                name="service_version_capacity_with_unit"),
            models.CheckConstraint(
                condition=Q(capacity_value__isnull=True) | Q(capacity_value__gte=0),
                name="service_version_capacity_not_negative"),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self):
        return f"{self.service} ({self.valid_from:%Y-%m-%d})"

    def clean(self):
        super().clean()
        if (self.capacity_value is None) != (self.capacity_unit_id is None):
            field = "capacity_unit" if self.capacity_unit_id is None else "capacity_value"
            raise ValidationError({field: _("Give the capacity together with its unit.")})
        if self.capacity_value is not None and self.capacity_value < 0:
            raise ValidationError({"capacity_value": _("A capacity is not negative.")})
        if self.valid_to and self.valid_from and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("A version ends after it starts.")})

    @property
    def forms(self):
        """The forms in the model's order (reads the prefetched rows)."""
        held = {row.form for row in self.form_rows.all()}
        return [form for form in ServiceForm if form in held]

    def audit_snapshot_extra(self):
        return {"forms": [str(form) for form in self.forms]}


class ServiceVersionForm(models.Model):
    """One form (residential, outpatient, field) in which a version of a
    service is provided; a service may be provided in several."""

    service_version = models.ForeignKey(ServiceVersion, verbose_name=_("version of a service"),
                                        on_delete=models.CASCADE, related_name="form_rows")
    form = models.CharField(_("form"), max_length=12, choices=ServiceForm.choices)

    class Meta:
        verbose_name = _("form of a service")
        verbose_name_plural = _("forms of services")
        constraints = [
            models.UniqueConstraint(fields=["service_version", "form"],
                                    name="service_version_form_once"),
            models.CheckConstraint(condition=Q(form__in=[f.value for f in ServiceForm]),
                                   name="service_version_form_valid"),
        ]

    def __str__(self):
        return self.get_form_display()


# --- Update requests ----------------------------------------------------------------------
# The city's method for updating the network: a provider asks for more or fewer
# úvazky/lůžka, for a service to enter or leave the network, in a window of
# the year before the change; the city's bodies decide in turn.


class RequestWindow(ChecksInOneQuery):
    """When requests for changes in `year` may be filed (when no window is
    configured: 1. 7.–31. 7. of the year before, see `default_window`)."""

    city = models.ForeignKey("directory.City", verbose_name=_("city"), on_delete=models.PROTECT,
                             related_name="request_windows")
    year = models.PositiveSmallIntegerField(_("year of the change"))
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"), help_text=_("The last day requests are accepted."))

    class Meta:
        verbose_name = _("window for update requests")
        verbose_name_plural = _("windows for update requests")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="request_window_once_a_year"),
            models.CheckConstraint(condition=Q(closes__gte=models.F("opens")),
                                   name="request_window_ordered"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100),
                                   name="request_window_year_plausible"),
        ]

    def __str__(self):
        return str(self.year)

    def clean(self):
        super().clean()
        if self.opens and self.closes and self.closes < self.opens:
            raise ValidationError({"closes": _("The window closes on or after the day it opens.")})
        if self.year and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": _("A year between 2000 and 2100.")})


class RequestKind(models.TextChoices):
    INCREASE = "increase", _("increase of capacity")
    DECREASE = "decrease", _("decrease of capacity")
    ENTRY = "entry", _("entry into the network")
    EXIT = "exit", _("exit from the network")


class AttachmentKind(models.TextChoices):
    # The method calls them "povinné přílohy" without listing them in the
    # seeds; these are the ones its three kinds of change cannot do without.
    JUSTIFICATION = "justification", _("justification of the need")
    BUDGET = "budget", _("budget of the service")
    REGISTRATION = "registration", _("decision on the registration of the service")


REQUIRED_ATTACHMENTS = {
    RequestKind.INCREASE: (AttachmentKind.JUSTIFICATION, AttachmentKind.BUDGET),
    RequestKind.DECREASE: (AttachmentKind.JUSTIFICATION,),
    RequestKind.ENTRY: (AttachmentKind.JUSTIFICATION, AttachmentKind.BUDGET,
                        AttachmentKind.REGISTRATION),
    RequestKind.EXIT: (AttachmentKind.JUSTIFICATION,),
}


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("update request", "submitted")
    IN_DECISION = "in_decision", pgettext_lazy("update request", "being decided")
    APPROVED = "approved", pgettext_lazy("update request", "approved")
    REJECTED = "rejected", pgettext_lazy("update request", "rejected")


class UpdateRequest(ChecksInOneQuery):
    """A provider's request to change the network from `effective_from`."""

    city = models.ForeignKey("directory.City", verbose_name=_("city"), on_delete=models.PROTECT,
                             related_name="update_requests")
    provider = models.ForeignKey("directory.Organisation", verbose_name=_("provider"),
                                 on_delete=models.PROTECT, related_name="update_requests")
    kind = models.CharField(_("kind of change"), max_length=10, choices=RequestKind.choices)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="update_requests",
        help_text=_("The service the change is about; for an entry, the service once entered."))
    effective_from = models.DateField(
        _("change takes effect on"),
        help_text=_("For an exit, the first day the service is no longer in the network."))
    capacity_value = models.DecimalField(_("requested capacity"), null=True, blank=True,
                                         **CAPACITY)
    capacity_unit = models.ForeignKey(CapacityUnit, verbose_name=_("capacity unit"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    # The service that enters the network.
    name = models.CharField(_("name of the service"), max_length=300, blank=True)
    register_id = models.CharField(_("register identifier"), max_length=7, blank=True,
                                   validators=[validate_register_id])
    service_kind = models.ForeignKey(ServiceKind, verbose_name=_("kind of service"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    service_form = models.CharField(_("form"), max_length=12, blank=True,
                                    choices=ServiceForm.choices)
    territory_text = models.CharField(_("area served"), max_length=300, blank=True)
    reasoning = models.TextField(_("reasoning"))
    state = models.CharField(_("state"), max_length=12, choices=RequestState.choices,
                             default=RequestState.SUBMITTED, editable=False)
    approved_value = models.DecimalField(_("approved capacity"), null=True, blank=True,
                                         editable=False, **CAPACITY)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, on_delete=models.SET_NULL, related_name="+",
                                     editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("update request")
        verbose_name_plural = _("update requests")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in RequestKind]),
                                   name="update_request_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=[s.value for s in RequestState]),
                                   name="update_request_state_valid"),
            models.CheckConstraint(
                condition=Q(kind=RequestKind.ENTRY) | Q(service__isnull=False),
                name="update_request_service_given"),
            models.CheckConstraint(
                condition=Q(kind__in=[RequestKind.ENTRY, RequestKind.EXIT])
                | Q(capacity_value__isnull=False, capacity_unit__isnull=False),
                name="update_request_capacity_given"),
            models.CheckConstraint(
                condition=Q(capacity_value__isnull=True) | Q(capacity_value__gte=0),
                name="update_request_capacity_not_negative"),
        ]
        indexes = [models.Index(fields=["city", "state", "effective_from"])]

    def __str__(self):
        subject = self.service.name if self.service_id else self.name
        return f"{self.get_kind_display()}: {subject}"

    def get_absolute_url(self):
        return reverse("network:request_detail", args=[self.pk])

    @property
    def year(self):
        return self.effective_from.year

    @property
    def required_attachments(self):
        return REQUIRED_ATTACHMENTS[RequestKind(self.kind)]


def _attachment_path(instance, filename):
    return f"network/requests/{filename}"


class RequestAttachment(models.Model):
    """A mandatory attachment, checked by content; served only to the
    provider and officers (never as a static file)."""

    request = models.ForeignKey(UpdateRequest, verbose_name=_("update request"),
                                on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind of attachment"), max_length=20,
                            choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=_attachment_path, editable=False)
    file_type = models.CharField(max_length=10, editable=False)

    class Meta:
        verbose_name = _("attachment of an update request")
        verbose_name_plural = _("attachments of update requests")
        ordering = ["request", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="request_attachment_once"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in AttachmentKind]),
                                   name="request_attachment_kind_valid"),
        ]

    def __str__(self):
        return self.get_kind_display()


class DecidingBody(models.TextChoices):
    """The city's bodies in the order they decide."""

    COMMISSION = "commission", _("commission")
    COUNCIL = "council", _("council")
    ASSEMBLY = "assembly", _("assembly")


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("decision", "approved")
    REJECTED = "rejected", pgettext_lazy("decision", "rejected")
    MODIFIED = "modified", pgettext_lazy("decision", "approved with a modified value")


class RequestDecision(ChecksInOneQuery):
    """One step of the decision chain, with the extract of the resolution."""

    request = models.ForeignKey(UpdateRequest, verbose_name=_("update request"),
                                on_delete=models.CASCADE, related_name="decisions")
    body = models.CharField(pgettext_lazy("deciding", "body"), max_length=12,
                            choices=DecidingBody.choices)
    decided_on = models.DateField(_("decided on"))
    resolution_number = models.CharField(_("resolution number"), max_length=50)
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    approved_value = models.DecimalField(
        _("approved capacity"), null=True, blank=True,
        help_text=_("When the body approved a value other than the one requested."), **CAPACITY)
    extract = models.FileField(_("extract of the resolution"), upload_to=_attachment_path,
                               editable=False)
    extract_type = models.CharField(max_length=10, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = _("decision on an update request")
        verbose_name_plural = _("decisions on update requests")
        ordering = ["request", "decided_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "body"], name="request_decision_once"),
            models.CheckConstraint(condition=Q(body__in=[b.value for b in DecidingBody]),
                                   name="request_decision_body_valid"),
            models.CheckConstraint(
                condition=Q(outcome__in=[o.value for o in DecisionOutcome]),
                name="request_decision_outcome_valid"),
            models.CheckConstraint(
                condition=~Q(outcome=DecisionOutcome.MODIFIED) | Q(approved_value__gte=0),
                name="request_decision_modified_has_value"),
        ]

    def __str__(self):
        return f"{self.get_body_display()} {self.resolution_number}"
from .indicator_models import (  # noqa: E402,F401 - the app's models are found in this module
    DisproportionQuery,
    IndicatorManual,
    IndicatorValue,
    ServiceFunding,
    ServiceIndicator,
)
