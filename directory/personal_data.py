"""Everything the portal holds about one person (GDPR art. 15 and 20): the
person's row, every row of any app that points to the person or to their user
account (found through the models' relations, so a new model is included
without touching this file), the audit entries about them and those they made
(which point to their user), and the files that name them, which the apps
above register (`register_files`, e.g. meetings: the attendance scans of the
meetings they attended).

    from directory import personal_data
    personal_data.register_files(attendance_scans_of)   # fn(person) -> [(name, FieldFile)]
    personal_data.register_records(comments_by_email)   # fn(person, user) -> rows
    personal_data.register_anonymiser(freeze_names)     # fn(person, user) -> count

A person who left is anonymised (GDPR art. 17, `person_anonymise`): their
contact data are deleted and their name is replaced by a neutral label with
their organisation (`Person.anonymous_label`) wherever it is shown live; the
anonymisers the apps register first keep published records as published (e.g.
meetings: the name as printed frozen into the minutes' text fields). The rows
that point to the person (memberships, attendance, tasks) stay, so the
history still counts them.
"""

import datetime
import decimal
import io
import json
import uuid
import zipfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import retention
from core.audit import AuditAction, audit_entries_for, audit_record

from .models import AccessibilityRequest, Person

# Never exported: secrets, not data about the person.
SECRET_FIELDS = {"password", "key", "secret", "token"}
_FILE_COLLECTORS = []
_RECORD_COLLECTORS = []
_ANONYMISERS = []


def register_files(collector):
    """`collector(person) -> iterable of (name in the archive, FieldFile)`."""
    if collector not in _FILE_COLLECTORS:
        _FILE_COLLECTORS.append(collector)
    return collector


def register_records(collector):
    """`collector(person, user) -> iterable of rows` that name the person
    without a foreign key to them (e.g. a public comment by their e-mail)."""
    if collector not in _RECORD_COLLECTORS:
        _RECORD_COLLECTORS.append(collector)
    return collector


def register_anonymiser(anonymiser):
    """`anonymiser(person, user) -> int`, called inside the anonymisation's
    transaction while the person still has their name: keeps what is
    published as published and removes the rest of what names the person
    without a foreign key. Returns how many records it changed."""
    if anonymiser not in _ANONYMISERS:
        _ANONYMISERS.append(anonymiser)
    return anonymiser


class UnknownPerson(LookupError):
    pass


class AlreadyAnonymised(Exception):
    pass


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def record(instance):
    """One row as plain data: its model, id, text and every stored field but
    secrets (foreign keys as ids)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return {"model": instance._meta.label, "id": _plain(instance.pk), "text": str(instance),
            "fields": data}


def _related_rows(instance):
    """Every row of every model with a foreign key (or one-to-one) to `instance`."""
    rows = []
    for relation in instance._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        model = relation.related_model
        rows.extend(model._default_manager.filter(**{relation.field.name: instance})
                    .order_by("pk"))
    return rows


def person_or_user(*, person_id=None, user_id=None):
    """The person (and their user account) by the person's id, or the user
    (and their person, if any) by the user's id; UnknownPerson otherwise."""
    user_model = get_user_model()
    if user_id is not None:
        user = user_model.objects.filter(pk=user_id).first()
        if user is None:
            raise UnknownPerson(f"No user with id {user_id}.")
        return user.person, user
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise UnknownPerson(f"No person with id {person_id}.")
    return person, user_model.objects.filter(person=person).first()


def collect(person, user):
    """The document and the files: {"person": ..., "user": ..., "records":
    {model label: [rows]}, "audit_about": [...], "files": [names]}, [(name,
    FieldFile)]."""
    records = {}
    seen = set()

    def add(row):
        key = (row._meta.label, row.pk)
        if key in seen:
            return
        seen.add(key)
        records.setdefault(row._meta.label, []).append(record(row))

    subjects = [s for s in (person, user) if s is not None]
    for subject in subjects:
        for row in _related_rows(subject):
            if row._meta.label == get_user_model()._meta.label and row == user:
                continue
            add(row)
    for collector in _RECORD_COLLECTORS:
        for row in collector(person, user):
            add(row)
    audit_about = [record(entry) for subject in subjects for entry in audit_entries_for(subject)]
    files = []
    if person is not None:
        for collector in _FILE_COLLECTORS:
            files.extend(f for f in collector(person) if f[1])
    document = {
        "exported_at": timezone.now().isoformat(),
        "person": record(person) if person is not None else None,
        "user": record(user) if user is not None else None,
        "records": records,
        "audit_about": audit_about,
        "files": [name for name, _file in files],
    }
    return document, files


def person_export(*, actor, person=None, user=None, stream) -> dict:
    """Write a zip (person.json and files/...) to `stream`; audited on the
    person (or the user). Returns the document."""
    document, files = collect(person, user)
    contents = []
    for name, field_file in files:
        try:
            with field_file.open("rb") as handle:
                contents.append((name, handle.read()))
        except (FileNotFoundError, OSError):
            document["files"].remove(name)
            document.setdefault("files_missing", []).append(name)
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(document, ensure_ascii=False, indent=1,
                                                   default=str))
        for name, content in contents:
            archive.writestr(f"files/{name}", content)
    # The note in the history is stored in the portal's language, like the
    # anonymisation's.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=person or user,
                     changes={}, message=_("Personal data exported."), with_snapshot=False)
    return document


def person_export_bytes(*, actor, person=None, user=None) -> bytes:
    buffer = io.BytesIO()
    person_export(actor=actor, person=person, user=user, stream=buffer)
    return buffer.getvalue()


# Fields of the person and of their user account that name or reach them:
# emptied, and removed from the audit trail's recorded changes and snapshots.
PERSON_FIELDS = ("title_before", "given_name", "family_name", "title_after", "email", "phone")
USER_FIELDS = ("username", "first_name", "last_name", "email")


def person_anonymise(*, actor, person) -> dict:
    """Anonymise a person who left, in one transaction: the apps' anonymisers
    first (published records keep the name as published), then the person's
    name and contacts are emptied (the pages show the neutral label), their
    user account is deactivated and stripped of name and e-mail, and the audit
    trail about the person and the account loses those fields. One audit entry
    with the acting user, without personal data. AlreadyAnonymised if done
    before (nothing changes). Returns {"records": n} (records the anonymisers
    changed)."""
    # Texts stored in place of the name are in the portal's language.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.is_anonymised:
            raise AlreadyAnonymised(person.pk)
        user = get_user_model().objects.select_for_update().filter(person=person).first()
        changed = 0
        for anonymiser in _ANONYMISERS:
            changed += anonymiser(person, user) or 0
        names = {person.full_name, person.plain_name} - {""}
        for name in PERSON_FIELDS:
            setattr(person, name, "")
        person.anonymised_at = timezone.now()
        person.version += 1
        person.full_clean(exclude=["family_name"])
        person.save(update_fields=[*PERSON_FIELDS, "anonymised_at", "version"])
        retention.scrub_audit(Person, [person.pk], set(PERSON_FIELDS))
        _rename_audit_entries(person, str(person))
        _replace_in_audit_titles(names, str(person))
        if user is not None:
            user.username = f"former-{user.pk}"
            user.first_name = user.last_name = user.email = ""
            user.is_active = False
            user.set_unusable_password()
            user.save(update_fields=[*USER_FIELDS, "is_active", "password"])
            retention.scrub_audit(type(user), [user.pk], set(USER_FIELDS))
            _rename_audit_entries(user, user.username)
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=person,
                     changes={}, message=_("Personal data anonymised."),
                     with_snapshot=False)
    return {"records": changed}


def _replace_in_audit_titles(names, label):
    """Other rows' audit entries whose title names the person (an attendance
    row, a membership) name them by the label instead, longest name first."""
    from django.db.models import Value
    from django.db.models.functions import Left, Replace

    from core.models import AuditEntry

    for name in sorted(names, key=len, reverse=True):
        AuditEntry.objects.filter(object_repr__contains=name).update(
            object_repr=Left(Replace("object_repr", Value(name), Value(label)), 300))


def _rename_audit_entries(instance, text):
    """The audit entries about `instance` name it by `text` from now on."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEntry

    AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk)).update(object_repr=text[:300])


# --- Requests to fix accessibility (podnět k nápravě) ---------------------------------
# A request has no link to the directory: it is the person's when sent with
# their e-mail address (either of the person's and the account's, in any
# case) or by their signed-in account (the request's creation is audited with
# that account as the actor), or when the account answered it.


def _addresses_of(person, user):
    return {e.strip().lower() for e in (getattr(person, "email", ""),
                                        getattr(user, "email", "")) if e and e.strip()}


def accessibility_requests_of(person, user, *, answered=True):
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from core.models import AuditEntry

    emails = _addresses_of(person, user)
    query = Q(pk__in=[])
    for email in sorted(emails):
        query |= Q(email__iexact=email)
    if user is not None:
        sent = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(AccessibilityRequest),
            action=AuditAction.CREATE, actor=user).values_list("object_id", flat=True)
        query |= Q(pk__in=[int(pk) for pk in sent if pk.isascii() and pk.isdigit()])
        if answered:
            query |= Q(answered_by=user)
    return list(AccessibilityRequest.objects.filter(query).order_by("pk"))


def anonymise_accessibility_requests(person, user):
    """The requests the person sent lose the e-mail address and show the
    neutral label instead of the name (requests are never published); the
    audit trail of those requests loses both. The text of a request and of
    its answer is kept as written."""
    requests = accessibility_requests_of(person, user, answered=False)
    if not requests:
        return 0
    ids = [r.pk for r in requests]
    AccessibilityRequest.objects.filter(pk__in=ids).update(email="")
    AccessibilityRequest.objects.filter(pk__in=ids).exclude(name="").update(
        name=person.anonymous_label)
    retention.scrub_audit(AccessibilityRequest, ids, {"name", "email"})
    return len(ids)


register_records(accessibility_requests_of)
register_anonymiser(anonymise_accessibility_requests)


# The outbox keeps a copy of each mail to the person's address until it is
# sent (and the retention period after), and an address may have unsubscribed
# from a kind: exported with the rest, and erased by the anonymisation.


def notifications_of(person, user):
    from notifications.selectors import personal_data_of

    return personal_data_of(addresses=_addresses_of(person, user))


def anonymise_notifications(person, user):
    from notifications.services import personal_data_delete

    return personal_data_delete(addresses=_addresses_of(person, user), user=user)


register_records(notifications_of)
register_anonymiser(anonymise_notifications)
