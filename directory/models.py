from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.collation import czech
from core.constraints import ChecksInOneQuery
from core.fields import HttpsURLField

from .validators import validate_ico


class SupportArea(models.Model):
    """A key support area of community planning (I.–IX. in the project card)."""

    numeral = models.CharField(_("numeral"), max_length=8, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("support area")
        verbose_name_plural = _("support areas")
        ordering = ["position"]

    def __str__(self):
        return f"{self.numeral} {self.name}"


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("non-governmental organisation")
    CITY_DISTRICT = "city_district", _("city district")
    CITY_BODY = "city_body", _("city body")
    SCHOOL = "school", _("school")
    OTHER = "other", _("other")


class OrganisationQuerySet(models.QuerySet):
    def with_member_group_count(self):
        return self.annotate(
            active_group_count=models.Count(
                "memberships__body",
                filter=Q(memberships__valid_to__isnull=True),
                distinct=True,
            )
        )


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=300, unique=True)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    # Kept as published ("z.s.", "z. s.", "o.p.s.", "příspěvková organizace").
    legal_form = models.CharField(_("legal form"), max_length=80, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.NGO
    )
    ico = models.CharField(
        _("IČO"), max_length=8, blank=True, validators=[validate_ico],
        help_text=_("Company identification number: 8 digits with the official checksum."),
    )
    web = HttpsURLField(_("web"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # Czech alphabetical order (core.collation): Š after S, Ch after H.
        ordering = [czech("name")]
        constraints = [
            models.UniqueConstraint(
                fields=["ico"], condition=~Q(ico=""), name="organisation_ico_unique",
                violation_error_message=_(
                    "An organisation with this identification number (IČO) is "
                    "already in the directory."),
            ),
            models.CheckConstraint(
                condition=Q(ico="") | Q(ico__regex=r"^[0-9]{8}$"),
                name="organisation_ico_eight_digits",
                violation_error_message=_("The identification number (IČO) has eight digits."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:organisation_detail", args=[self.pk])


def full_name(title_before, given_name, family_name, title_after):
    """A person's name with academic titles, as `Person.full_name` prints it
    (for rows read with `.values()`)."""
    name = " ".join(p for p in (title_before, given_name, family_name) if p)
    return f"{name}, {title_after}" if title_after else name


def anonymous_label(organisation_name):
    """The neutral label that replaces the name of a person who left (with
    their organisation's name, when known), in the language of the page."""
    if not organisation_name:
        return str(_("former member"))
    return str(_("former member (%(organisation)s)") % {"organisation": organisation_name})


class Person(models.Model):
    title_before = models.CharField(_("title before name"), max_length=60, blank=True)
    # Some seeds name a person by surname only ("paní Telčerová").
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100)
    title_after = models.CharField(_("title after name"), max_length=60, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Set when the person left and their data were anonymised
    # (directory.personal_data.person_anonymise): the name and contacts are
    # empty, the records that are not published show `anonymous_label`.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True,
                                         editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = [czech("family_name"), czech("given_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["title_before", "given_name", "family_name", "title_after"],
                condition=Q(anonymised_at__isnull=True),
                name="person_full_name_unique",
                violation_error_message=_(
                    "A person with this full name is already in the directory."),
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True)
                | Q(title_before="", given_name="", family_name="", title_after="", email="",
                    phone=""),
                name="person_anonymised_has_no_name_or_contact",
                violation_error_message=_(
                    "The person was anonymised when they left: their name and contact data "
                    "cannot be entered again. Add a new person instead."),
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("directory:person_detail", args=[self.pk])

    @property
    def is_anonymised(self):
        return self.anonymised_at is not None

    @property
    def anonymous_label(self):
        """The neutral label that replaces an anonymised person's name, with
        their organisation (in the language of the page)."""
        organisation = self.organisation if self.organisation_id else None
        return anonymous_label(organisation and (organisation.short_name or organisation.name))

    @property
    def plain_name(self):
        if self.is_anonymised:
            return self.anonymous_label
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def full_name(self):
        if self.is_anonymised:
            return self.anonymous_label
        return full_name(self.title_before, self.given_name, self.family_name, self.title_after)


class BodyKind(models.TextChoices):
    WORKING_GROUP = "working_group", _("working group")
    MANAGERIAL_TEAM = "managerial_team", _("managerial team")
    PLATFORM = "platform", _("platform")


class BodyStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ARCHIVED = "archived", _("archived")


class WorkingGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=BodyStatus.ACTIVE)

    def with_current_member_count(self):
        today = timezone.localdate()
        return self.annotate(
            current_member_count=models.Count(
                "memberships",
                filter=Q(memberships__valid_to__isnull=True)
                | Q(memberships__valid_to__gt=today),
                distinct=True,
            )
        )


class WorkingGroup(models.Model):
    """A standing body of community planning: a working group (PS), the
    managerial team (MT KP) or a platform (e.g. Platforma zdraví)."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=BodyKind.choices, default=BodyKind.WORKING_GROUP
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(
        _("short code"), max_length=20, unique=True, allow_unicode=False,
        help_text=_("Short code used in addresses and documents, e.g. DaR."),
    )
    support_areas = models.ManyToManyField(
        SupportArea, verbose_name=_("support areas"), blank=True, related_name="groups"
    )
    manager = models.ForeignKey(
        Person, verbose_name=_("manager"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="managed_groups",
    )
    contact_person = models.ForeignKey(
        Person, verbose_name=_("contact person"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="contact_for_groups",
    )
    target_group_description = models.TextField(_("target group description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BodyStatus.choices, default=BodyStatus.ACTIVE
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Za-z0-9-]+$"), name="working_group_code_format",
                violation_error_message=_(
                    "The code may contain only letters without diacritics, digits "
                    "and hyphens."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:group_detail", args=[self.code])


class GroupNeed(models.Model):
    """One item of a group's list of its target group's needs, in order."""

    group = models.ForeignKey(WorkingGroup, verbose_name=_("working group"),
                              on_delete=models.CASCADE, related_name="needs")
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("need"))

    class Meta:
        verbose_name = _("need of the target group")
        verbose_name_plural = _("needs of the target group")
        ordering = ["group", "position"]
        constraints = [
            models.UniqueConstraint(fields=["group", "position"], name="group_need_position_unique")
        ]

    def __str__(self):
        return self.text


class MembershipPosition(models.TextChoices):
    MEMBER = "member", _("member")
    GROUP_MANAGER = "group_manager", _("group manager")
    CONTACT_PERSON = "contact_person", _("group contact person")
    COORDINATOR = "coordinator", _("coordinator")


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gt=on),
        )

    def ended(self, on=None):
        on = on or timezone.localdate()
        return self.filter(valid_to__lte=on)


class Membership(ChecksInOneQuery):
    """A seat in a body: an organisation with its member and substitute, or a
    person in the managerial team. Valid over [valid_from, valid_to): a change
    ends one record and starts another, so history is never overwritten. An
    unknown start (the seeds often do not say) is left empty."""

    body = models.ForeignKey(
        WorkingGroup, verbose_name=_("body"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="memberships",
    )
    member = models.ForeignKey(
        Person, verbose_name=_("member"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="memberships",
    )
    substitute = models.ForeignKey(
        Person, verbose_name=_("substitute"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="substitute_memberships",
    )
    position = models.CharField(
        _("position"), max_length=20, choices=MembershipPosition.choices,
        default=MembershipPosition.MEMBER,
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body", "organisation__name", "member__family_name", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(member__isnull=False),
                name="membership_has_organisation_or_member",
                violation_error_message=_(
                    "Choose the organisation or the person the seat belongs to."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(substitute__isnull=True) | ~Q(substitute=models.F("member")),
                name="membership_substitute_not_member",
                violation_error_message=_("A member cannot be their own substitute."),
            ),
            models.UniqueConstraint(
                fields=["body", "organisation"],
                condition=Q(valid_to__isnull=True, organisation__isnull=False),
                name="membership_one_open_seat_per_organisation",
                violation_error_message=_(
                    "This organisation already has an open seat in the body."),
            ),
            models.UniqueConstraint(
                fields=["body", "member", "position"],
                condition=Q(valid_to__isnull=True, organisation__isnull=True),
                name="membership_one_open_personal_seat",
                violation_error_message=_("This person already holds this seat in the body."),
            ),
        ]

    def __str__(self):
        who = self.organisation or self.member
        return f"{self.body.code}: {who}"


# --- Territories and the city ----------------------------------------------------


class TerritoryKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    ORP = "orp", _("municipality with extended powers (ORP)")
    REGION = "region", _("region")
    COUNTRY = "country", _("country")


class Territory(ChecksInOneQuery):
    """Where a value was measured: the city, its ORP, its region, the country.
    Any indicator may compare any two territories."""

    code = models.SlugField(
        _("code"), max_length=20, unique=True,
        help_text=_("Short identifier used in imports and addresses: letters, digits, "
                    "hyphens."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    # Empty for a territory moved here from the indicators without a kind: the
    # officer states it when editing (the form requires it).
    kind = models.CharField(_("kind"), max_length=20, choices=TerritoryKind.choices,
                            blank=True)
    official_code = models.CharField(
        _("official code"), max_length=20, blank=True,
        validators=[RegexValidator(r"^[A-Z0-9]+\Z", _(
            "Use capital letters and digits only, as the statistical office prints it."))],
        help_text=_("The code of the Czech Statistical Office or the LAU/NUTS code, "
                    "where known."),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent territory"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["official_code"], condition=~Q(official_code=""),
                                    name="territory_official_code_unique",
                                    violation_error_message=_(
                                        "A territory with this official code already exists.")),
            models.CheckConstraint(
                condition=Q(kind="") | Q(kind__in=[k.value for k in TerritoryKind]),
                name="territory_kind_valid",
                violation_error_message=_("Choose a kind of territory from the list."),
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")),
                                   name="territory_not_own_parent",
                                   violation_error_message=_(
                                       "A territory cannot lie within itself.")),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self):
        return self.short_name or self.name

    def clean(self):
        super().clean()
        # The chain of parents must not come back to this territory.
        seen, parent = {self.pk}, self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _(
                    "A territory cannot lie within itself: %(parent)s is already within it."
                ) % {"parent": self.parent}})
            seen.add(parent.pk)
            parent = parent.parent


CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"


class City(ChecksInOneQuery):
    """The city that runs the portal: one row, which its plans belong to (a
    later install with several cities adds rows; until then the first row is
    the city, see `directory.selectors.current_city`)."""

    name = models.CharField(_("name of the city"), max_length=100,
                            help_text=_("As shown in the header of every page."))
    full_name = models.CharField(
        _("official name"), max_length=200, blank=True,
        help_text=_("As the city writes it in documents, e.g. “Statutární město …”."),
    )
    department = models.CharField(
        _("department"), max_length=300, blank=True,
        help_text=_("The department that runs community planning."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    logo = models.FileField(_("logo"), upload_to="city/", blank=True, editable=False)
    logo_type = models.CharField(max_length=10, blank=True, editable=False)
    home_territory = models.ForeignKey(
        Territory, verbose_name=_("home territory"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="home_of_cities",
        help_text=_("The territory the city's own indicators are measured in."),
    )
    region = models.ForeignKey(
        Territory, verbose_name=_("region"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="region_of_cities",
    )
    document_language = models.CharField(
        _("language of published documents"), max_length=5, choices=settings.LANGUAGES,
        default="cs",
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="CZK",
        validators=[RegexValidator(r"^[A-Z]{3}\Z", _("Three capital letters (ISO 4217), "
                                                      "e.g. CZK or EUR."))],
        help_text=_("ISO 4217 code, e.g. CZK."),
    )
    currency_symbol = models.CharField(
        _("currency as shown"), max_length=10, blank=True,
        help_text=_("e.g. Kč; empty shows the ISO code."),
    )
    # The open-data catalogue (LKOD, core.lkod): who provides the data, the
    # territory it covers and the licence it is published under.
    ico = models.CharField(
        _("IČO of the city"), max_length=8, blank=True,
        validators=[validate_ico],
        help_text=_("The city's identification number. The open-data catalogue names the "
                    "provider of the data by it, as the public authority (orgán veřejné moci) "
                    "with this IČO; empty leaves the provider out of the catalogue."),
    )
    ruian_code = models.CharField(
        _("RÚIAN code of the territory"), max_length=12, blank=True,
        validators=[RegexValidator(r"^[0-9]{1,12}\Z", _("Digits only, e.g. 500011."))],
        help_text=_("The code of the city's municipality (obec) in the RÚIAN register: the "
                    "open-data catalogue gives it as the territory its datasets cover. Empty "
                    "leaves the territory out of the catalogue."),
    )
    open_data_licence = HttpsURLField(
        _("licence of the open data"), max_length=300, blank=True,
        default=CC_BY_4,
        help_text=_("The licence the open data is published under, as the address of its "
                    "text; empty means CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). "
                    "The catalogue states it for the data as a work, as a database and for the "
                    "database maker's special right, with the city as author."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"),
                                   name="city_currency_iso_code",
                                   violation_error_message=_(
                                       "The currency is a three-letter ISO 4217 code in capitals, "
                                       "such as CZK.")),
            models.CheckConstraint(condition=Q(ico="") | Q(ico__regex=r"^[0-9]{8}$"),
                                   name="city_ico_eight_digits",
                                   violation_error_message=_(
                                       "The identification number (IČO) has eight digits.")),
            models.CheckConstraint(condition=Q(ruian_code="") | Q(ruian_code__regex=r"^[0-9]+$"),
                                   name="city_ruian_code_digits",
                                   violation_error_message=_(
                                       "The RÚIAN code is made of digits only.")),
            models.CheckConstraint(
                condition=Q(region__isnull=True) | ~Q(region=models.F("home_territory")),
                name="city_region_differs_from_home",
                violation_error_message=_(
                    "The region must be another territory than the city's own."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.full_name or self.name

    @property
    def currency_label(self):
        return self.currency_symbol or self.currency


# --- The accessibility statement (Act 99/2019 Sb., § 8 and § 9) --------------------


def _in_language(obj, name):
    """The Czech or English text of a field pair `<name>_cs` / `<name>_en` in
    the language of the request; the Czech one when the other is empty."""
    from django.utils.translation import get_language

    language = (get_language() or "cs")[:2]
    value = getattr(obj, f"{name}_{language}", "") if language != "cs" else ""
    return value or getattr(obj, f"{name}_cs")


class ComplianceStatus(models.TextChoices):
    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class AssessmentMethod(models.TextChoices):
    SELF = "self", _("self-assessment")
    THIRD_PARTY = "third_party", _("assessment by a third party")


class AccessibilityStatement(models.Model):
    """The city's statement on the accessibility of the portal, in the
    structure of the EU model statement (Commission Implementing Decision (EU)
    2018/1523) as Act 99/2019 Sb. uses it. The texts are the city's (its
    administrator edits them); the structure and the legal sentences are the
    page's. The known gaps are listed from AccessibilityGap."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, verbose_name=_("city"),
                                related_name="accessibility_statement")
    compliance = models.CharField(
        _("compliance status"), max_length=10, choices=ComplianceStatus.choices,
        default=ComplianceStatus.PARTIAL,
        help_text=_("Against EN 301 549 (WCAG 2.1 level AA): fully compliant only when no "
                    "known gap is open."),
    )
    standard = models.CharField(
        _("standard"), max_length=200, default="EN 301 549 V3.2.1 (WCAG 2.1, AA)",
    )
    non_accessible_cs = models.TextField(
        _("content that is not accessible (Czech)"), blank=True,
        help_text=_("An introduction to the list of known gaps, which officers keep below."),
    )
    non_accessible_en = models.TextField(_("content that is not accessible (English)"),
                                         blank=True)
    prepared_on = models.DateField(_("prepared on"))
    reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    method = models.CharField(_("how it was prepared"), max_length=20,
                              choices=AssessmentMethod.choices, default=AssessmentMethod.SELF)
    method_cs = models.TextField(
        _("how it was prepared, in detail (Czech)"), blank=True,
        help_text=_("E.g. the automated checks (axe, the Nu Html Checker) the test suite runs "
                    "on every public page and the manual checks."),
    )
    method_en = models.TextField(_("how it was prepared, in detail (English)"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_cs = models.TextField(
        _("feedback and contact (Czech)"), blank=True,
        help_text=_("Who answers requests to fix and within what time."),
    )
    contact_en = models.TextField(_("feedback and contact (English)"), blank=True)
    enforcement_cs = models.TextField(
        _("enforcement procedure (Czech)"),
        help_text=_("Where a person turns when the answer to their request is not "
                    "satisfactory (the supervisory authority and its contact)."),
    )
    enforcement_en = models.TextField(_("enforcement procedure (English)"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewed_on__isnull=True) | Q(reviewed_on__gte=models.F("prepared_on")),
                name="accessibility_statement_reviewed_after_prepared",
                violation_error_message=_(
                    "The statement cannot be reviewed before it was prepared."),
            ),
        ]

    def __str__(self):
        return str(_("Accessibility statement of %(city)s") % {"city": self.city})

    def clean(self):
        if self.reviewed_on and self.prepared_on and self.reviewed_on < self.prepared_on:
            raise ValidationError({"reviewed_on": _(
                "The statement cannot be reviewed before it was prepared.")})

    @property
    def non_accessible(self):
        return _in_language(self, "non_accessible")

    @property
    def method_text(self):
        return _in_language(self, "method")

    @property
    def contact(self):
        return _in_language(self, "contact")

    @property
    def enforcement(self):
        return _in_language(self, "enforcement")


class GapReason(models.TextChoices):
    NON_COMPLIANCE = "non_compliance", _("non-compliance with the standard")
    DISPROPORTIONATE = "disproportionate_burden", _("disproportionate burden")
    OUT_OF_SCOPE = "out_of_scope", _("outside the scope of the law")


class AccessibilityGapQuerySet(models.QuerySet):
    def open(self):
        return self.filter(fixed_on__isnull=True)


class AccessibilityGap(models.Model):
    """One known piece of content that is not accessible: what, why, since
    when, and when it was fixed (a fixed gap stays as history)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, verbose_name=_("city"),
                             related_name="accessibility_gaps")
    description_cs = models.TextField(
        _("what is not accessible (Czech)"),
        help_text=_("The content or function and how it fails, in plain words."),
    )
    description_en = models.TextField(_("what is not accessible (English)"), blank=True)
    criterion = models.CharField(
        _("WCAG success criteria"), max_length=100, blank=True,
        help_text=_("E.g. 1.1.1, 1.3.1."),
    )
    reason = models.CharField(_("why"), max_length=30, choices=GapReason.choices,
                              default=GapReason.NON_COMPLIANCE)
    alternative_cs = models.TextField(
        _("accessible alternative (Czech)"), blank=True,
        help_text=_("How a person gets the content meanwhile, if there is a way."),
    )
    alternative_en = models.TextField(_("accessible alternative (English)"), blank=True)
    found_on = models.DateField(_("known since"))
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True,
                                help_text=_("Fill in when the gap is fixed; it then leaves the "
                                            "statement's list."))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AccessibilityGapQuerySet.as_manager()

    class Meta:
        verbose_name = _("accessibility gap")
        verbose_name_plural = _("accessibility gaps")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_on__isnull=True) | Q(fixed_on__gte=models.F("found_on")),
                name="accessibility_gap_fixed_after_found",
                violation_error_message=_("A gap cannot be fixed before it was found."),
            ),
        ]

    def __str__(self):
        return self.description_cs[:80]

    def clean(self):
        if self.fixed_on and self.found_on and self.fixed_on < self.found_on:
            raise ValidationError({"fixed_on": _(
                "A gap cannot be fixed before it was known.")})

    @property
    def description(self):
        return _in_language(self, "description")

    @property
    def alternative(self):
        return _in_language(self, "alternative")


class AccessibilityRequestQuerySet(models.QuerySet):
    def unanswered(self):
        return self.filter(answered_at__isnull=True)


class AccessibilityRequest(models.Model):
    """A request to fix inaccessible content (podnět k nápravě, § 9 of Act
    99/2019 Sb.), sent by anyone through the statement's form and answered by
    the administrator."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, verbose_name=_("city"),
                             related_name="accessibility_requests")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    page = models.CharField(_("page concerned"), max_length=500, blank=True)
    text = models.TextField(_("request"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    client_ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AccessibilityRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request to fix accessibility")
        verbose_name_plural = _("requests to fix accessibility")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(answered_at__isnull=True, answer="")
                           | (Q(answered_at__isnull=False) & ~Q(answer=""))),
                name="accessibility_request_answer_with_date",
                violation_error_message=_(
                    "An answer needs the date it was given, and that date needs "
                    "the answer."),
            ),
        ]

    def __str__(self):
        return str(_("Request to fix of %(when)s") % {
            "when": timezone.localtime(self.submitted_at).strftime("%d. %m. %Y %H:%M")})


# --- The privacy notice (GDPR articles 13 and 14) ------------------------------------


class PrivacyNotice(models.Model):
    """What the city, as the controller, tells people about the personal data
    the portal holds. The controller's name and address are the city's
    (City); the kinds of data with their purposes, legal bases and retention
    are PrivacyDataKind rows. Edited by the administrator."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, verbose_name=_("city"),
                                related_name="privacy_notice")
    controller_email = models.EmailField(
        _("controller's e-mail"), blank=True,
        help_text=_("Where people send requests about their data (access, erasure, ...)."),
    )
    controller_phone = models.CharField(_("controller's phone"), max_length=40, blank=True)
    dpo_name = models.CharField(_("data protection officer"), max_length=200)
    dpo_email = models.EmailField(_("data protection officer's e-mail"))
    dpo_phone = models.CharField(_("data protection officer's phone"), max_length=40,
                                 blank=True)
    dpo_address = models.CharField(_("data protection officer's address"), max_length=300,
                                   blank=True)
    intro_cs = models.TextField(_("introduction (Czech)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    recipients_cs = models.TextField(
        _("recipients (Czech)"),
        help_text=_("Who receives the data: the public (published minutes and reports), "
                    "processors such as the hosting provider, authorities."),
    )
    recipients_en = models.TextField(_("recipients (English)"), blank=True)
    published_cs = models.TextField(
        _("published records (Czech)"), blank=True,
        help_text=_("What stays published when a person asks to be removed (e.g. published "
                    "minutes and reports stay as they were published)."),
    )
    published_en = models.TextField(_("published records (English)"), blank=True)
    rights_cs = models.TextField(
        _("rights and how to use them (Czech)"),
        help_text=_("Access, rectification, erasure, restriction, objection, portability, "
                    "complaint to the supervisory authority; how to ask."),
    )
    rights_en = models.TextField(_("rights and how to use them (English)"), blank=True)
    updated_on = models.DateField(_("valid from"))
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self):
        return str(_("Privacy notice of %(city)s") % {"city": self.city})

    @property
    def intro(self):
        return _in_language(self, "intro")

    @property
    def recipients(self):
        return _in_language(self, "recipients")

    @property
    def published(self):
        return _in_language(self, "published")

    @property
    def rights(self):
        return _in_language(self, "rights")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("consent (Art. 6(1)(a) GDPR)")
    CONTRACT = "contract", _("contract (Art. 6(1)(b) GDPR)")
    LEGAL_OBLIGATION = "legal_obligation", _("legal obligation (Art. 6(1)(c) GDPR)")
    VITAL_INTERESTS = "vital_interests", _("vital interests (Art. 6(1)(d) GDPR)")
    PUBLIC_TASK = "public_task", _("public task (Art. 6(1)(e) GDPR)")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("legitimate interests (Art. 6(1)(f) GDPR)")


class PrivacyDataKind(models.Model):
    """One kind of personal data the portal holds, with why, on what legal
    basis and for how long."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, verbose_name=_("city"),
                             related_name="privacy_data_kinds")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    name_cs = models.CharField(
        _("kind of data (Czech)"), max_length=300,
        help_text=_("E.g. names and contacts of working-group members."),
    )
    name_en = models.CharField(_("kind of data (English)"), max_length=300, blank=True)
    purpose_cs = models.TextField(_("purpose (Czech)"))
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=30,
                                   choices=LegalBasis.choices, default=LegalBasis.PUBLIC_TASK)
    retention_cs = models.CharField(_("retention (Czech)"), max_length=500)
    retention_en = models.CharField(_("retention (English)"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("kind of personal data")
        verbose_name_plural = _("kinds of personal data")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name_cs

    @property
    def name(self):
        return _in_language(self, "name")

    @property
    def purpose(self):
        return _in_language(self, "purpose")

    @property
    def retention(self):
        return _in_language(self, "retention")
