"""Every change to organisations, people, working groups and memberships goes
through these functions: validated, atomic, audited with the acting user."""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from core import pagecache
from core.audit import AuditAction, audit_record
from core.services import UNSET, given, model_create, model_update
from core.uploads import MiB, read_upload, sniff_type

from .models import (
    City,
    GroupNeed,
    Membership,
    MembershipPosition,
    Organisation,
    Person,
    Territory,
    WorkingGroup,
)
from .selectors import forget_current_city


def organisation_create(
    *, actor, name, short_name=UNSET, legal_form=UNSET, kind=UNSET, ico=UNSET, web=UNSET,
    address=UNSET, note=UNSET,
) -> Organisation:
    return model_create(actor=actor, model=Organisation, data=given(
        name=name, short_name=short_name, legal_form=legal_form, kind=kind, ico=ico, web=web,
        address=address, note=note))


def organisation_update(
    *, actor, organisation, expected_version=None, name=UNSET, short_name=UNSET,
    legal_form=UNSET, kind=UNSET, ico=UNSET, web=UNSET, address=UNSET, note=UNSET,
) -> Organisation:
    """Change the given fields."""
    return model_update(actor=actor, instance=organisation, data=given(
        name=name, short_name=short_name, legal_form=legal_form, kind=kind, ico=ico, web=web,
        address=address, note=note), expected_version=expected_version)


def person_create(
    *, actor, family_name, given_name=UNSET, title_before=UNSET, title_after=UNSET,
    organisation=UNSET, email=UNSET, phone=UNSET,
) -> Person:
    return model_create(actor=actor, model=Person, data=given(
        title_before=title_before, given_name=given_name, family_name=family_name,
        title_after=title_after, organisation=organisation, email=email, phone=phone))


def person_update(
    *, actor, person, expected_version=None, family_name=UNSET, given_name=UNSET,
    title_before=UNSET, title_after=UNSET, organisation=UNSET, email=UNSET, phone=UNSET,
) -> Person:
    """Change the given fields."""
    return model_update(actor=actor, instance=person, data=given(
        title_before=title_before, given_name=given_name, family_name=family_name,
        title_after=title_after, organisation=organisation, email=email, phone=phone),
        expected_version=expected_version)


def _replace_needs(*, group, needs):
    group.needs.all().delete()
    GroupNeed.objects.bulk_create(
        GroupNeed(group=group, position=i, text=text) for i, text in enumerate(needs, start=1)
    )


def working_group_create(
    *, actor, name, code, kind=UNSET, manager=UNSET, contact_person=UNSET, status=UNSET,
    target_group_description=UNSET, support_areas=(), needs=(),
) -> WorkingGroup:
    """`needs`: the texts of the target group's needs, in order."""
    data = given(kind=kind, name=name, code=code, manager=manager, contact_person=contact_person,
                 status=status, target_group_description=target_group_description)
    with transaction.atomic():
        group = model_create(
            actor=actor, model=WorkingGroup, data=data, m2m={"support_areas": list(support_areas)}
        )
        _replace_needs(group=group, needs=needs)
    return group


def working_group_update(
    *, actor, group, expected_version=None, kind=UNSET, name=UNSET, code=UNSET, manager=UNSET,
    contact_person=UNSET, status=UNSET, target_group_description=UNSET, support_areas=None,
    needs=None,
) -> WorkingGroup:
    """Only the fields given change (`support_areas` / `needs` None keep
    them): a manager's form passes just the fields a manager may edit, so
    nothing else can be set by crafting the POST."""
    data = given(kind=kind, name=name, code=code, manager=manager, contact_person=contact_person,
                 status=status, target_group_description=target_group_description)
    m2m = {} if support_areas is None else {"support_areas": list(support_areas)}
    with transaction.atomic():
        old_needs = list(group.needs.values_list("text", flat=True))
        needs_changed = needs is not None and list(needs) != old_needs
        group = model_update(
            actor=actor,
            instance=group,
            data=data,
            m2m=m2m,
            expected_version=expected_version,
            extra_changes={"needs": [old_needs, list(needs)]} if needs_changed else None,
        )
        if needs_changed:
            _replace_needs(group=group, needs=needs)
    return group


def _membership_for_audit(membership):
    return {
        "organisation": str(membership.organisation or ""),
        "member": str(membership.member or ""),
        "substitute": str(membership.substitute or ""),
        "position": membership.position,
        "valid_from": membership.valid_from.isoformat() if membership.valid_from else None,
        "valid_to": membership.valid_to.isoformat() if membership.valid_to else None,
    }


def membership_start(
    *,
    actor,
    body: WorkingGroup,
    organisation: Organisation | None = None,
    member: Person | None = None,
    substitute: Person | None = None,
    position: str = MembershipPosition.MEMBER,
    valid_from: date | None = None,
    source: str = "",
) -> Membership:
    with transaction.atomic():
        if organisation is not None:
            open_seat = Membership.objects.filter(
                body=body, organisation=organisation, valid_to__isnull=True
            )
            if open_seat.exists():
                raise ValidationError(
                    {"organisation": _("%(org)s already has a seat in this group; change it "
                                       "instead of adding a second one.") % {"org": organisation}}
                )
        membership = Membership(
            body=body, organisation=organisation, member=member, substitute=substitute,
            position=position, valid_from=valid_from, source=source,
        )
        membership.full_clean()
        membership.save()
        audit_record(
            actor=actor, action=AuditAction.CREATE, instance=membership,
            changes={k: [None, v] for k, v in _membership_for_audit(membership).items() if v},
        )
    return membership


def membership_end(*, actor, membership: Membership, on: date, source: str = "") -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.valid_to is not None:
            raise ValidationError(_("This membership has already ended."))
        if membership.valid_from and on <= membership.valid_from:
            raise ValidationError(
                {"valid_to": _("The end must be after the start (%(start)s).")
                 % {"start": membership.valid_from.strftime("%d. %m. %Y")}}
            )
        membership.valid_to = on
        membership.full_clean()
        membership.save(update_fields=["valid_to"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, instance=membership,
            changes={"valid_to": [None, on.isoformat()]}, message=source,
        )
    return membership


def membership_change(
    *,
    actor,
    membership: Membership,
    on: date,
    member=UNSET,
    substitute=UNSET,
    source: str = "",
) -> Membership:
    """'Organisation X: new member Y, substitute stays Z' ends the current seat
    on `on` and opens a new one from `on`; the old record stays as history."""
    with transaction.atomic():
        ended = membership_end(actor=actor, membership=membership, on=on, source=source)
        return membership_start(
            actor=actor,
            body=ended.body,
            organisation=ended.organisation,
            member=ended.member if member is UNSET else member,
            substitute=ended.substitute if substitute is UNSET else substitute,
            position=ended.position,
            valid_from=on,
            source=source,
        )


# --- Territories -----------------------------------------------------------------


def territory_create(*, actor, code, name, short_name=UNSET, kind=UNSET, official_code=UNSET,
                     parent=UNSET) -> Territory:
    data = given(code=code, name=name, short_name=short_name, kind=kind,
                 official_code=official_code, parent=parent)
    return model_create(actor=actor, model=Territory, data=data)


def territory_update(*, actor, territory, expected_version=None, code=UNSET, name=UNSET,
                     short_name=UNSET, kind=UNSET, official_code=UNSET,
                     parent=UNSET) -> Territory:
    data = given(code=code, name=name, short_name=short_name, kind=kind,
                 official_code=official_code, parent=parent)
    return model_update(actor=actor, instance=territory, data=data,
                        expected_version=expected_version)


def territory_delete(*, actor, territory) -> None:
    """A territory that values, indicators, the city or other territories point
    at stays (PROTECT); the refusal says so."""
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DELETE, instance=territory,
                     changes={"name": [territory.name, None]})
        try:
            with transaction.atomic():
                territory.delete()
        except models.ProtectedError:
            raise ValidationError(_(
                "The territory “%(name)s” is in use (by indicators, their values, the city "
                "or other territories) and cannot be deleted.") % {"name": territory.name},
                code="protected") from None


# --- The city ----------------------------------------------------------------------

LOGO_TYPES = ("png", "jpeg")
LOGO_EXTENSIONS = {"png": "png", "jpeg": "jpg"}
LOGO_MAX_BYTES = 1 * MiB


def city_save(*, actor, city=None, expected_version=None, logo=None, remove_logo=False,
              name=UNSET, full_name=UNSET, department=UNSET, address=UNSET,
              home_territory=UNSET, region=UNSET, document_language=UNSET, currency=UNSET,
              currency_symbol=UNSET, ico=UNSET, ruian_code=UNSET,
              open_data_licence=UNSET) -> City:
    """Create the city's row (the first time) or update it; with `logo` (an
    uploaded PNG or JPEG, checked by its content) replace the logo, with
    `remove_logo` drop it. Audited; every cached page is refreshed on commit,
    since each shows the city's name."""
    data = given(name=name, full_name=full_name, department=department, address=address,
                 home_territory=home_territory, region=region,
                 document_language=document_language, currency=currency,
                 currency_symbol=currency_symbol, ico=ico, ruian_code=ruian_code,
                 open_data_licence=open_data_licence)
    logo_data = read_upload(logo, allowed=LOGO_TYPES, max_bytes=LOGO_MAX_BYTES) if logo else None
    with transaction.atomic():
        old_file = None
        if city is None:
            if City.objects.exists():
                raise ValidationError(_("The city is already set; edit it instead."))
            city = model_create(actor=actor, model=City, data=data)
        else:
            city = model_update(actor=actor, instance=city, data=data,
                                expected_version=expected_version)
        if logo_data is not None or (remove_logo and city.logo):
            old_file = city.logo.name or None
            before = city.logo.name or ""
            if logo_data is not None:
                kind = sniff_type(logo_data)
                city.logo.save(f"city-{city.pk}-{uuid.uuid4().hex}.{LOGO_EXTENSIONS[kind]}",
                               ContentFile(logo_data), save=False)
                city.logo_type = kind
            else:
                city.logo, city.logo_type = "", ""
            City.objects.filter(pk=city.pk).update(
                logo=city.logo.name or "", logo_type=city.logo_type,
                version=models.F("version") + 1)
            city.refresh_from_db()
            audit_record(actor=actor, action=AuditAction.UPDATE, instance=city,
                         changes={"logo": [before, city.logo.name or ""]})
            if old_file:
                storage = city.logo.storage
                transaction.on_commit(lambda: storage.delete(old_file))
        forget_current_city()
        transaction.on_commit(pagecache.invalidate_all)
    return city
