"""The accessibility statement (Act 99/2019 Sb., § 8), its known gaps and
requests to fix (§ 9): services (atomic, audited) and reads."""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import AuditAction, audit_record
from core.services import given, model_create, model_update
from notifications.services import mail_enqueue

from . import mail_kinds, permissions
from .models import AccessibilityGap, AccessibilityRequest, AccessibilityStatement, City

MAX_REQUEST_LENGTH = 5000
STATEMENT_FIELDS = (
    "compliance", "standard", "non_accessible_cs", "non_accessible_en", "prepared_on",
    "reviewed_on", "method", "method_cs", "method_en", "contact_email", "contact_phone",
    "contact_cs", "contact_en", "enforcement_cs", "enforcement_en",
)
GAP_FIELDS = ("description_cs", "description_en", "criterion", "reason", "alternative_cs",
              "alternative_en", "found_on", "fixed_on")


def _check(rule, actor):
    """`actor=None` is the system (the demo seed, a command); a user must
    hold the rule."""
    if actor is not None and not rule(actor):
        raise PermissionDenied


# --- Reads ----------------------------------------------------------------------


def statement_for(city):
    if city is None:
        return None
    return AccessibilityStatement.objects.filter(city=city).first()


def open_gaps(city):
    return AccessibilityGap.objects.filter(city=city).open().order_by("reason", "found_on", "id")


def all_gaps(city):
    return AccessibilityGap.objects.filter(city=city).order_by(
        "fixed_on", "-found_on", "-id")


def requests_for_desk(city):
    """Unanswered requests first (oldest first), then the answered ones."""
    return (AccessibilityRequest.objects.filter(city=city).select_related("answered_by")
            .order_by(F("answered_at").desc(nulls_first=True), "submitted_at", "id"))


def waiting_count(city):
    """How many requests to fix wait for an answer (the administrator's desk)."""
    if city is None:
        return 0
    return AccessibilityRequest.objects.filter(city=city, answered_at__isnull=True).count()


# --- The statement ----------------------------------------------------------------


def _plain(value, field, limit=None):
    value = (value or "").strip() if isinstance(value, str) else value
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError({field: _("The text contains a character that is not "
                                             "allowed.")})
        if limit and len(value) > limit:
            raise ValidationError({field: _("Write at most %(n)s characters.") % {"n": limit}})
    return value


def statement_save(*, actor, city: City, statement=None, expected_version=None,
                   **fields) -> AccessibilityStatement:
    """Create the city's statement (the first time) or update it. Only the
    administrator edits it."""
    _check(permissions.can_edit_accessibility_statement, actor)
    unknown = set(fields) - set(STATEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown statement fields: {sorted(unknown)}")
    data = {name: _plain(value, name) for name, value in given(**fields).items()}
    with transaction.atomic():
        if statement is None:
            if AccessibilityStatement.objects.filter(city=city).exists():
                raise ValidationError(_("The statement already exists; edit it instead."))
            return model_create(actor=actor, model=AccessibilityStatement,
                                data={"city": city, **data})
        return model_update(actor=actor, instance=statement, data=data,
                            expected_version=expected_version)


# --- Known gaps -------------------------------------------------------------------


def gap_create(*, actor, city: City, **fields) -> AccessibilityGap:
    _check(permissions.can_edit_accessibility_gaps, actor)
    data = {name: _plain(value, name) for name, value in given(**fields).items()}
    return model_create(actor=actor, model=AccessibilityGap, data={"city": city, **data},
                        message=_("accessibility gap recorded"))


def gap_update(*, actor, gap: AccessibilityGap, expected_version=None,
               **fields) -> AccessibilityGap:
    _check(permissions.can_edit_accessibility_gaps, actor)
    data = {name: _plain(value, name) for name, value in given(**fields).items()}
    closing = data.get("fixed_on") and not gap.fixed_on
    return model_update(actor=actor, instance=gap, data=data, expected_version=expected_version,
                        message=_("accessibility gap fixed") if closing else "")


# --- Requests to fix ----------------------------------------------------------------


def client_ip_hash(ip: str) -> str:
    return hashlib.sha256(f"{ip}{settings.SECRET_KEY}".encode()).hexdigest()


def _administrator_addresses(statement):
    addresses = set(get_user_model().objects.filter(
        is_superuser=True, is_active=True).exclude(email="").values_list("email", flat=True))
    if statement is not None and statement.contact_email:
        addresses.add(statement.contact_email)
    return sorted(addresses)


def request_submit(*, actor=None, city: City, text, page="", name="", email="",
                   client_ip="") -> AccessibilityRequest:
    """Anyone may send a request to fix; it is kept as plain text. The
    administrators (and the statement's contact address) are told by e-mail
    once it is saved."""
    text = _plain(text, "text", MAX_REQUEST_LENGTH)
    if not text:
        raise ValidationError({"text": _("Describe what is not accessible.")})
    with transaction.atomic():
        request = AccessibilityRequest(
            city=city, text=text, page=_plain(page, "page", 500),
            name=_plain(name, "name", 200), email=(email or "").strip(),
            client_ip_hash=client_ip_hash(client_ip) if client_ip else "",
        )
        request.full_clean()
        request.save()
        audit_record(actor=actor, action=AuditAction.CREATE, instance=request,
                     changes={"page": [None, request.page]},
                     message=_("request to fix accessibility received"))
        base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
        mail_enqueue(
            kind=mail_kinds.ACCESSIBILITY_REQUEST,
            recipients=_administrator_addresses(statement_for(city)),
            subject=gettext_lazy("Request to fix accessibility: %(page)s"),
            body=gettext_lazy(
                "A request to fix inaccessible content was sent through the accessibility "
                "statement. By law it is to be answered within 30 days.\n\n"
                "Page: %(page)s\n\n%(text)s"),
            params={"page": request.page or gettext_lazy("the portal"), "text": request.text},
            link=base + reverse("directory:accessibility_request_answer", args=[request.pk]))
    return request


def request_answer(*, actor, request: AccessibilityRequest, answer,
                   expected_version=None) -> AccessibilityRequest:
    """Record the answer (sent to the person by the administrator's own
    e-mail); the request then leaves the administrator's desk."""
    _check(permissions.can_handle_accessibility_requests, actor)
    answer = _plain(answer, "answer", MAX_REQUEST_LENGTH)
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    return model_update(
        actor=actor, instance=request, expected_version=expected_version,
        data={"answer": answer, "answered_at": request.answered_at or timezone.now(),
              "answered_by": actor if getattr(actor, "is_authenticated", False) else None},
        message=_("request to fix answered"),
    )
