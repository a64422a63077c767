"""Changes to the network of social services: a service enters the network,
changes from a date, or leaves it. Every change keeps the version it replaces
(the network can be shown as of any day) and writes an audit entry with the
actor and the reason in the same transaction."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.services import UNSET, given, model_create, model_update
from core.uploads import ZIP_MAGIC, MiB, check_xlsx_upload, read_upload, sniff_type

from . import selectors
from .models import (
    REQUIRED_ATTACHMENTS,
    DecidingBody,
    DecisionOutcome,
    RequestAttachment,
    RequestDecision,
    RequestKind,
    RequestState,
    RequestWindow,
    Service,
    ServiceCategory,
    ServiceForm,
    ServiceVersion,
    ServiceVersionForm,
    UpdateRequest,
)

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
    if network_to >= date.max:
        # Its versions end the day after the last one, which no calendar has.
        raise ValidationError({"network_to": _(
            "Choose a last day in the network before %(day)s.") % {"day": _day(date.max)}})
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



# --- Update requests ----------------------------------------------------------------------

ATTACHMENT_TYPES = ("pdf", "png", "jpeg", "xlsx")
EXTRACT_TYPES = ("pdf", "png", "jpeg")
ATTACHMENT_MAX_BYTES = 10 * MiB
FILE_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "xlsx": "xlsx"}
DECISION_CHAIN = (DecidingBody.COMMISSION, DecidingBody.COUNCIL, DecidingBody.ASSEMBLY)


def _stored_name(prefix, kind):
    return f"{prefix}-{uuid.uuid4().hex}.{FILE_EXTENSIONS[kind]}"


def request_window_set(*, actor, city, year, opens, closes) -> RequestWindow:
    """The window for changes in `year`, created or moved."""
    with transaction.atomic():
        current = RequestWindow.objects.select_for_update().filter(city=city, year=year).first()
        if current is None:
            return model_create(actor=actor, model=RequestWindow, data={
                "city": city, "year": year, "opens": opens, "closes": closes})
        return model_update(actor=actor, instance=current,
                            data={"opens": opens, "closes": closes})


def check_window(*, city, effective_from, today):
    """Refuse a request filed outside the window of its year's change."""
    if not 2000 <= effective_from.year <= 2100:
        raise ValidationError({"effective_from": _("A day between the years 2000 and 2100.")})
    window = selectors.request_window_for(city=city, year=effective_from.year)
    if not window.opens <= today <= window.closes:
        raise ValidationError(_(
            "Requests for changes in %(year)s are accepted from %(opens)s to %(closes)s; "
            "today is outside that window.") % {
            "year": window.year, "opens": _day(window.opens), "closes": _day(window.closes)})


def _check_request(*, city, kind, provider, service, effective_from, capacity_value, capacity_unit,
                   name, register_id, service_kind, service_form):
    errors = {}
    if kind == RequestKind.ENTRY:
        if not (name or "").strip():
            errors["name"] = _("Give the name of the service that enters the network.")
        if not register_id:
            errors["register_id"] = _("Give the register identifier of the service.")
        else:
            known = Service.objects.filter(city=city, register_id=register_id).first()
            # A service has one stay in the network (network_from to
            # network_to, which the evaluation and the development count): one
            # that left does not enter again under the same identifier.
            if known is not None and known.network_to is not None:
                errors["register_id"] = _(
                    "The service with this register identifier left the network on %(day)s "
                    "and cannot enter it again; ask the city's officers.") % {
                    "day": _day(known.network_to)}
            elif known is not None:
                errors["register_id"] = _("A service with this register identifier is in the "
                                          "network already.")
        if service_kind is None:
            errors["service_kind"] = _("Give the kind of the service.")
        if not service_form:
            errors["service_form"] = _("Give the form in which the service is provided.")
    elif service is None:
        errors["service"] = _("Choose the service the change is about.")
    elif service.provider_id != provider.pk:
        errors["service"] = _("A provider asks for changes of its own services only.")
    elif service.network_to and service.network_to < effective_from:
        errors["service"] = _("The service left the network on %(day)s.") % {
            "day": _day(service.network_to)}
    if kind in (RequestKind.INCREASE, RequestKind.DECREASE, RequestKind.ENTRY):
        if capacity_value is None:
            errors["capacity_value"] = _("Give the new capacity.")
        if capacity_unit is None:
            errors["capacity_unit"] = _("Give the unit of the capacity.")
    if kind in (RequestKind.INCREASE, RequestKind.DECREASE) and not errors:
        current = ServiceVersion.objects.valid_on(effective_from - timedelta(days=1)).filter(
            service=service).first()
        if current is not None and current.capacity_value is not None:
            grows = capacity_value > current.capacity_value
            if grows != (kind == RequestKind.INCREASE) or capacity_value == current.capacity_value:
                errors["capacity_value"] = _(
                    "The service has a capacity of %(value)s %(unit)s; an increase asks for "
                    "more, a decrease for less.") % {
                    "value": formats.number_format(current.capacity_value),
                    "unit": current.capacity_unit}
    if errors:
        raise ValidationError(errors)


def _read_attachment(upload):
    """A PDF, an image, or a workbook that is one (a ZIP is opened to check)."""
    data = read_upload(upload, allowed=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES)
    if data.startswith(ZIP_MAGIC):
        data = check_xlsx_upload(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    return data


def _read_attachments(kind, attachments):
    """The bytes of every mandatory attachment, checked by content."""
    data, errors = {}, {}
    for attachment_kind in REQUIRED_ATTACHMENTS[RequestKind(kind)]:
        upload = (attachments or {}).get(attachment_kind)
        if not upload:
            errors[f"attachment_{attachment_kind}"] = _("Attach the %(attachment)s.") % {
                "attachment": attachment_kind.label}
            continue
        try:
            data[attachment_kind] = _read_attachment(upload)
        except ValidationError as error:
            errors[f"attachment_{attachment_kind}"] = error.messages
    if errors:
        raise ValidationError(errors)
    return data


def update_request_submit(*, actor, city, provider, kind, effective_from, reasoning,
                          attachments, service=None, capacity_value=None, capacity_unit=None,
                          name="", register_id="", service_kind=None, service_form="",
                          territory_text="", today=None) -> UpdateRequest:
    """A provider asks for a change of the network from `effective_from`,
    inside the window of that year, with the mandatory attachments (a dict
    attachment kind → uploaded file)."""
    kind = RequestKind(kind)
    check_window(city=city, effective_from=effective_from,
                 today=today or selectors.filing_day())
    _check_request(city=city, kind=kind, provider=provider, service=service,
                   effective_from=effective_from, capacity_value=capacity_value,
                   capacity_unit=capacity_unit, name=name, register_id=register_id,
                   service_kind=service_kind, service_form=service_form)
    files = _read_attachments(kind, attachments)
    entry = kind == RequestKind.ENTRY
    with transaction.atomic():
        request = model_create(actor=actor, model=UpdateRequest, message=reasoning, data={
            "city": city, "provider": provider, "kind": kind,
            "service": None if entry else service, "effective_from": effective_from,
            "capacity_value": None if kind == RequestKind.EXIT else capacity_value,
            "capacity_unit": None if kind == RequestKind.EXIT else capacity_unit,
            "name": name if entry else "", "register_id": register_id if entry else "",
            "service_kind": service_kind if entry else None,
            "service_form": service_form if entry else "",
            "territory_text": territory_text if entry else "", "reasoning": reasoning,
            "submitted_by": actor if getattr(actor, "is_authenticated", False) else None})
        for attachment_kind, data in files.items():
            file_type = sniff_type(data)
            attachment = RequestAttachment(request=request, kind=attachment_kind,
                                           file_type=file_type)
            attachment.file.save(_stored_name(f"request-{request.pk}", file_type),
                                 ContentFile(data), save=False)
            attachment.full_clean(exclude=["request", "file"])
            attachment.save()
        return request


def _next_body(request, decisions):
    recorded = {decision.body for decision in decisions}
    return next((body for body in DECISION_CHAIN if body not in recorded), None)


def request_decision_record(*, actor, request, body, decided_on, resolution_number, outcome,
                            extract, approved_value=None) -> RequestDecision:
    """One step of the chain commission → council → assembly. A rejection
    ends the request; the assembly's approval applies the change to the
    network from the request's day."""
    body, outcome = DecidingBody(body), DecisionOutcome(outcome)
    data = read_upload(extract, allowed=EXTRACT_TYPES,
                       max_bytes=ATTACHMENT_MAX_BYTES) if extract else None
    with transaction.atomic():
        request = UpdateRequest.objects.select_for_update().get(pk=request.pk)
        if request.state in (RequestState.APPROVED, RequestState.REJECTED):
            raise ValidationError(_("The request is decided; no further step is recorded."))
        decisions = list(request.decisions.all())
        expected = _next_body(request, decisions)
        errors = {}
        if body != expected:
            errors["body"] = _("The %(expected)s decides next.") % {"expected": expected.label}
        if decisions and decided_on < decisions[-1].decided_on:
            errors["decided_on"] = _("The %(body)s decided on %(day)s; a later step is not "
                                     "earlier.") % {"body": decisions[-1].get_body_display(),
                                                    "day": _day(decisions[-1].decided_on)}
        if outcome == DecisionOutcome.MODIFIED:
            if request.kind not in (RequestKind.INCREASE, RequestKind.DECREASE,
                                    RequestKind.ENTRY):
                errors["outcome"] = _("Only a capacity can be approved with a modified value.")
            elif approved_value is None:
                errors["approved_value"] = _("Give the approved capacity.")
        elif approved_value is not None:
            errors["approved_value"] = _("An approved value is given only when the body "
                                         "modified the request.")
        if data is None:
            errors["extract"] = _("Attach the extract of the resolution.")
        if errors:
            raise ValidationError(errors)
        file_type = sniff_type(data)
        decision = RequestDecision(request=request, body=body, decided_on=decided_on,
                                   resolution_number=resolution_number, outcome=outcome,
                                   approved_value=approved_value, extract_type=file_type,
                                   recorded_by=actor if getattr(actor, "is_authenticated",
                                                                False) else None)
        decision.extract.save(_stored_name(f"resolution-{request.pk}", file_type),
                              ContentFile(data), save=False)
        decision.full_clean(exclude=["request", "extract"])
        decision.save()
        audit_record(actor=actor, action=AuditAction.CREATE, instance=decision,
                     message=resolution_number)
        value = approved_value if outcome == DecisionOutcome.MODIFIED else (
            request.approved_value if request.approved_value is not None
            else request.capacity_value)
        if outcome == DecisionOutcome.REJECTED:
            state = RequestState.REJECTED
        elif body == DECISION_CHAIN[-1]:
            state = RequestState.APPROVED
        else:
            state = RequestState.IN_DECISION
        reason = _("Update request no. %(number)s, resolution %(resolution)s") % {
            "number": request.pk, "resolution": resolution_number}
        service = _apply_request(actor=actor, request=request, value=value, reason=reason) \
            if state == RequestState.APPROVED else request.service
        model_update(actor=actor, instance=request, message=reason, data={
            "state": state, "service": service,
            "approved_value": value if state != RequestState.REJECTED else None})
        return decision


def _apply_request(*, actor, request, value, reason):
    """The approved change, through the network's own changes, as of the
    request's day."""
    if request.kind == RequestKind.ENTRY:
        return service_create(
            actor=actor, city=request.city, provider=request.provider, name=request.name,
            register_id=request.register_id, kind=request.service_kind,
            network_from=request.effective_from, forms=[request.service_form],
            territory_text=request.territory_text, capacity_value=value,
            capacity_unit=request.capacity_unit, reason=reason)
    if request.kind == RequestKind.EXIT:
        return service_end(actor=actor, service=request.service, reason=reason,
                           network_to=request.effective_from - timedelta(days=1))
    return service_change(actor=actor, service=request.service,
                          valid_from=request.effective_from, reason=reason,
                          capacity_value=value, capacity_unit=request.capacity_unit)
