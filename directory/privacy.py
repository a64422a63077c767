"""The privacy notice (GDPR articles 13 and 14): the city's texts and the
kinds of personal data the portal holds. Services (atomic, audited) and reads."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import given, model_create, model_update

from . import permissions
from .models import City, PrivacyDataKind, PrivacyNotice

NOTICE_FIELDS = (
    "controller_email", "controller_phone", "dpo_name", "dpo_email", "dpo_phone",
    "dpo_address", "intro_cs", "intro_en", "recipients_cs", "recipients_en", "published_cs",
    "published_en", "rights_cs", "rights_en", "updated_on",
)
KIND_FIELDS = ("position", "name_cs", "name_en", "purpose_cs", "purpose_en", "legal_basis",
               "retention_cs", "retention_en")


def _check(actor):
    """`actor=None` is the system (the demo seed, a command)."""
    if actor is not None and not permissions.can_edit_privacy_notice(actor):
        raise PermissionDenied


def _clean(fields):
    data = given(**fields)
    for name, value in data.items():
        if isinstance(value, str):
            if "\x00" in value:
                raise ValidationError({name: _("The text contains a character that is not "
                                               "allowed.")})
            data[name] = value.strip()
    return data


def notice_for(city):
    if city is None:
        return None
    return PrivacyNotice.objects.filter(city=city).first()


def data_kinds(city):
    return PrivacyDataKind.objects.filter(city=city).order_by("position", "id")


def notice_save(*, actor, city: City, notice=None, expected_version=None,
                **fields) -> PrivacyNotice:
    _check(actor)
    unknown = set(fields) - set(NOTICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown notice fields: {sorted(unknown)}")
    data = _clean(fields)
    with transaction.atomic():
        if notice is None:
            if PrivacyNotice.objects.filter(city=city).exists():
                raise ValidationError(_("The privacy notice already exists; edit it instead."))
            return model_create(actor=actor, model=PrivacyNotice, data={"city": city, **data})
        return model_update(actor=actor, instance=notice, data=data,
                            expected_version=expected_version)


def data_kind_create(*, actor, city: City, **fields) -> PrivacyDataKind:
    _check(actor)
    return model_create(actor=actor, model=PrivacyDataKind,
                        data={"city": city, **_clean(fields)})


def data_kind_update(*, actor, kind: PrivacyDataKind, expected_version=None,
                     **fields) -> PrivacyDataKind:
    _check(actor)
    return model_update(actor=actor, instance=kind, data=_clean(fields),
                        expected_version=expected_version)
