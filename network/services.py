"""Changes to the network of social services: a service enters the network,
changes from a date, or leaves it. Every change keeps the version it replaces
(the network can be shown as of any day) and writes an audit entry with the
actor and the reason in the same transaction."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.services import UNSET, given, model_create, model_update

from .models import Service, ServiceCategory, ServiceForm, ServiceVersion, ServiceVersionForm

CAPACITY_STEP = Decimal("0.01")
VERSIONED_FIELDS = ("territory", "territory_text", "capacity_value", "capacity_unit", "note")
VERSIONED_M2M = ("target_groups", "support_areas")


def _day(value):
    return date_format(value, "SHORT_DATE_FORMAT")


def _state(fields, groups, areas, forms):
    state = dict(fields)
    if state["capacity_value"] is not None:
        state["capacity_value"] = Decimal(state["capacity_value"]).quantize(CAPACITY_STEP)
    state = {name: ("" if value is None else str(value)) for name, value in state.items()}
    state["target_groups"] = sorted(str(row) for row in groups)
    state["support_areas"] = sorted(str(row) for row in areas)
    state["forms"] = [str(ServiceForm(form).label) for form in forms]
    return state


def version_state(version):
    """What a version says, in a form the audit trail diffs: names, not ids."""
    return _state({name: getattr(version, name) for name in VERSIONED_FIELDS},
                  version.target_groups.all(), version.support_areas.all(), version.forms)


def _clean_forms(forms, category):
    forms = [ServiceForm(form) for form in dict.fromkeys(forms or [])]
    if category == ServiceCategory.SERVICE and not forms:
        raise ValidationError({"forms": _("A social service is provided in at least one form "
                                          "(residential, outpatient or field).")})
    return forms


def _save_version(*, actor, service, valid_from, fields, target_groups, support_areas,
                  forms, reason):
    version = ServiceVersion(service=service, valid_from=valid_from, changed_by=actor
                             if getattr(actor, "is_authenticated", False) else None,
                             reason=reason, **fields)
    version.full_clean(exclude=["service"])
    version.save()
    version.target_groups.set(target_groups)
    version.support_areas.set(support_areas)
    ServiceVersionForm.objects.bulk_create(
        ServiceVersionForm(service_version=version, form=form) for form in forms)
    return version


def service_create(*, actor, city, provider, name, network_from, forms, category=UNSET,
                   register_id=UNSET, kind=UNSET, target_groups=(), support_areas=(),
                   territory=None, territory_text="", capacity_value=None,
                   capacity_unit=None, note="", reason="") -> Service:
    """A service (or a related activity) enters the network on
    `network_from`; its first version starts that day."""
    with transaction.atomic():
        service = model_create(actor=actor, model=Service, message=reason, data=given(
            city=city, category=category, provider=provider, name=name,
            register_id=register_id, kind=kind, network_from=network_from))
        _save_version(
            actor=actor, service=service, valid_from=network_from,
            fields={"territory": territory, "territory_text": territory_text,
                    "capacity_value": capacity_value, "capacity_unit": capacity_unit,
                    "note": note},
            target_groups=target_groups, support_areas=support_areas,
            forms=_clean_forms(forms, service.category), reason=reason)
        return service


def open_version(service):
    return (ServiceVersion.objects.select_for_update().filter(service=service)
            .order_by("-valid_from").first())


def service_change(*, actor, service, valid_from, reason, expected_version=None,
                   name=UNSET, provider=UNSET, register_id=UNSET, kind=UNSET,
                   forms=UNSET, target_groups=UNSET, support_areas=UNSET, territory=UNSET,
                   territory_text=UNSET, capacity_value=UNSET, capacity_unit=UNSET,
                   note=UNSET) -> Service:
    """Change a service from `valid_from` on: the version in force until then
    is kept and ends the day before. A change dated the first day of the
    latest version corrects that version (the audit trail keeps what it
    said). The identity (name, provider, register identifier, kind) is not
    dated: it changes on every date."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the service changes.")})
    with transaction.atomic():
        latest = open_version(service)
        dated = given(territory=territory, territory_text=territory_text,
                      capacity_value=capacity_value, capacity_unit=capacity_unit, note=note)
        fields = {name: dated.get(name, getattr(latest, name)) for name in VERSIONED_FIELDS}
        groups = (list(latest.target_groups.all()) if target_groups is UNSET
                  else list(target_groups))
        areas = list(latest.support_areas.all()) if support_areas is UNSET else list(support_areas)
        forms = latest.forms if forms is UNSET else _clean_forms(forms, service.category)
        before = version_state(latest)
        after = _state(fields, groups, areas, forms)
        changes = {name: [before[name], value] for name, value in after.items()
                   if before[name] != value}
        if changes:
            _check_change_day(service, latest, valid_from)
            _replace_version(actor=actor, service=service, latest=latest, valid_from=valid_from,
                             reason=reason, fields=fields, groups=groups, areas=areas,
                             forms=forms)
            changes["valid_from"] = [None, valid_from.isoformat()]
        identity = given(name=name, provider=provider, register_id=register_id, kind=kind)
        if not changes and all(getattr(service, key) == value for key, value in identity.items()):
            raise ValidationError(_("The change changes nothing."))
        return model_update(
            actor=actor, instance=service, expected_version=expected_version, message=reason,
            data=identity, extra_changes=changes)


def _check_change_day(service, latest, valid_from):
    if valid_from < service.network_from:
        raise ValidationError({"valid_from": _(
            "The service is in the network from %(day)s; a change cannot start "
            "earlier.") % {"day": _day(service.network_from)}})
    if service.network_to and valid_from > service.network_to:
        raise ValidationError({"valid_from": _(
            "The service left the network on %(day)s; a change cannot start later.")
            % {"day": _day(service.network_to)}})
    if valid_from < latest.valid_from:
        raise ValidationError({"valid_from": _(
            "A change from %(day)s is already recorded; a new change starts on that day "
            "or later.") % {"day": _day(latest.valid_from)}})


def _replace_version(*, actor, service, latest, valid_from, reason, fields, groups, areas,
                     forms):
    """The version from `valid_from`: the latest one ends the day before, or
    is replaced when it starts the same day."""
    valid_to = latest.valid_to
    if valid_from == latest.valid_from:
        latest.delete()
    else:
        latest.valid_to = valid_from
        latest.save(update_fields=["valid_to"])
    _save_version(actor=actor, service=service, valid_from=valid_from,
                  fields={**fields, "valid_to": valid_to}, target_groups=groups,
                  support_areas=areas, forms=forms, reason=reason)


def service_end(*, actor, service, network_to, reason, expected_version=None) -> Service:
    """The service leaves the network: `network_to` is its last day in it."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the service leaves the network.")})
    with transaction.atomic():
        latest = open_version(service)
        if network_to < latest.valid_from:
            raise ValidationError({"network_to": _(
                "A change from %(day)s is recorded; the service can leave the network on that "
                "day at the earliest.") % {"day": _day(latest.valid_from)}})
        latest.valid_to = network_to + timedelta(days=1)
        latest.save(update_fields=["valid_to"])
        return model_update(actor=actor, instance=service, expected_version=expected_version,
                            message=reason, data={"network_to": network_to})

