"""The national register of social-service providers (Registr poskytovatelů
sociálních služeb, MPSV) read into the network, on core.imports.

The format is the register's open dataset, published daily by MPSV:
    https://data.mpsv.cz/web/data/rpss (the dataset's page)
    https://data.mpsv.cz/od/soubory/rpss/rpss.json (the data, a JSON object
    whose key "polozky" lists one registered service per item)
    https://data.mpsv.cz/od/soubory/rpss/rpss.schema.json (its JSON schema)
The fields read here are those the dataset's users document from the real
file: "identifikator", "datumPoskytovaniOd", "datumPoskytovaniDo",
"poskytovatel" {"ico", "nazev"}, "druhSocialniSluzby" {"id":
"DruhSocialniSluzby/<n>"}, "zarizeni" [{"nazev"}], "ciloveSkupiny"
[{"cilovaSkupina": {"id": "CilovaSkupinaOsoby/<n>"}}] and "formy" [{"forma":
{"id": "FormaSocialniSluzby/pob|amb|ter"}, "kapacity": [{"pocet", "typ":
{"id": "TypKapacitySocialniSluzby/<code>"}}]}] (e.g. github.com/
zdenekpesicka/AutomatizaceKatalogu, CLAUDE.md § 2.1 and import/mpsv.py).

The codebooks' numbers are not names: only the numbers whose meaning a
real source states are mapped below (KIND_CODES, GROUP_CODES); any other
number is reported in the preview as not matching the reference data, never
guessed. The whole codebooks are published beside the data
(…/ciselniky/druhy-socialni-sluzby.json, …/cilove-skupiny-osoby.json): add a
number here only from them.

What the reader does: the items of the providers the directory knows (by
IČO), and those already in the network (by identifier), registrations still
running; a service not yet in the network is entered from the day its
registration started; one already in it is compared and every difference
listed (the network keeps its own history, changed by officers from a day
they choose, so the register does not rewrite it)."""

import json
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.imports.base import (
    ERROR,
    NEW,
    UNCHANGED,
    ImportChanged,
    Importer,
    ImportRefused,
    Preview,
)
from core.imports.columns import RowError
from directory.models import Organisation
from directory.selectors import current_city

from . import services
from .models import CapacityUnit, Service, ServiceCategory, ServiceForm, ServiceKind, TargetGroup

MiB = 1024 * 1024
REGISTER_URL = "https://data.mpsv.cz/od/soubory/rpss/rpss.json"

# DruhSocialniSluzby/<n> -> paragraph of Act No. 108/2006 Sb., as named in
# github.com/zdenekpesicka/AutomatizaceKatalogu config/kategorie-mapovani.json
# (numbers with their names read from the register's codebook).
KIND_CODES = {
    "1": "37",    # odborné sociální poradenství
    "3": "39",    # osobní asistence
    "4": "40",    # pečovatelská služba
    "5": "41",    # tísňová péče
    "6": "42",    # průvodcovské a předčitatelské služby
    "8": "44",    # odlehčovací služby
    "9": "45",    # centra denních služeb
    "10": "46",   # denní stacionáře
    "11": "47",   # týdenní stacionáře
    "12": "48",   # domovy pro osoby se zdravotním postižením
    "13": "49",   # domovy pro seniory
    "14": "50",   # domovy se zvláštním režimem
    "15": "51",   # chráněné bydlení
    "18": "55",   # telefonická krizová pomoc
    "19": "56",   # tlumočnické služby
    "23": "60",   # krizová pomoc
    "28": "65",   # sociálně aktivizační služby pro rodiny s dětmi
    "29": "66",   # sociálně aktivizační služby pro seniory a osoby se zdravotním postižením
    "30": "67",   # sociálně terapeutické dílny
    "32": "69",   # terénní programy
    "33": "70",   # sociální rehabilitace
}
# CilovaSkupinaOsoby/<n> -> the target group's name in the reference data
# (same source, CLAUDE.md § 2.1). /27 (osoby s potřebou paliativní péče) and
# /30 (osoby žijící s demencí) are in the register but not in the reference
# data: they are reported.
GROUP_CODES = {
    "24": "senioři",
    "26": "pečující osoby",
}
FORM_CODES = {"pob": ServiceForm.RESIDENTIAL, "amb": ServiceForm.OUTPATIENT,
              "ter": ServiceForm.FIELD}
# TypKapacitySocialniSluzby/<code> -> capacity unit code; "kontakt", "interv"
# and "hovor" (contacts, interventions, calls) have no unit in the reference data.
CAPACITY_CODES = {"luzka": "luzka", "klient": "klienti"}


class RegisterFileError(ValueError):
    pass


def _code(value, prefix):
    """"DruhSocialniSluzby/13" -> "13" from {"id": ...}; None when absent."""
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str) or not value:
        return None
    head, _sep, tail = value.rpartition("/")
    return tail if head == prefix else value


def _text(value):
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _day(value):
    """An ISO date, possibly with a time ("2007-01-01T00:00:00"); None when absent."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    return date.fromisoformat(value[:10])


def read_items(content):
    """The items of the register's file (bytes)."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise RegisterFileError(_("The file is not the register's JSON file.")) from None
    items = data.get("polozky") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RegisterFileError(_("The file has no list “polozky”: it is not the register's "
                                  "open dataset."))
    return items


class _Lookups:
    def __init__(self, city):
        self.by_ico = {o.ico: o for o in Organisation.objects.exclude(ico="").only(
            "pk", "name", "ico")}
        self.kinds = {k.paragraph: k for k in ServiceKind.objects.all()}
        self.groups = {g.name: g for g in TargetGroup.objects.all()}
        self.units = {u.code: u for u in CapacityUnit.objects.all()}
        self.services = {s.register_id: s for s in Service.objects.filter(
            city=city).exclude(register_id="").select_related("provider", "kind")
            .prefetch_related("versions__target_groups", "versions__form_rows")}


class RegisterImporter(Importer):
    """The register's JSON file: its own reading (not a sheet), the same
    preview, confirm and job as every import."""

    name = "network.register"
    columns = ()
    max_bytes = 10 * MiB  # an upload; the command reads the whole national file
    reads_numbers = False
    rows_template = "network/_register_preview.html"
    unreadable_message = gettext_lazy("The file is not the register's JSON file.")

    def check_upload(self, uploaded_file):
        if uploaded_file is None:
            raise ValidationError(_("Choose a file to upload."))
        size = getattr(uploaded_file, "size", None)
        if size is not None and size > self.max_bytes:
            raise ValidationError(_("The file is too large: at most %(max)d MiB is accepted.")
                                  % {"max": self.max_bytes // MiB})
        uploaded_file.seek(0)
        data = uploaded_file.read(self.max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8", "replace")
        if not data:
            raise ValidationError(_("The file is empty."))
        if len(data) > self.max_bytes:
            raise ValidationError(_("The file is too large: at most %(max)d MiB is accepted.")
                                  % {"max": self.max_bytes // MiB})
        if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            raise ValidationError(_("The file is not the register's JSON file."))
        return data

    def preview(self, content, *, actor, target=None, number_format=None):
        try:
            items = read_items(content)
        except RegisterFileError as refusal:
            return Preview(errors=[RowError(None, None, str(refusal))])
        city = current_city()
        lookups = _Lookups(city)
        today = timezone.localdate()
        rows, skipped, seen = [], 0, {}
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                rows.append(self._broken(number, _("The item is not an object.")))
                continue
            register_id = _text(item.get("identifikator"))
            ico = _text((item.get("poskytovatel") or {}).get("ico")
                        if isinstance(item.get("poskytovatel"), dict) else "")
            if ico.isdigit():
                ico = ico.zfill(8)
            ours = register_id in lookups.services or ico in lookups.by_ico
            try:
                ended = _day(item.get("datumPoskytovaniDo"))
            except ValueError:
                ended = None
            if not ours or (ended and ended < today and register_id not in lookups.services):
                skipped += 1  # another city's provider, or a registration long ended
                continue
            rows.append(self._check_item(number, item, register_id, ico, lookups, seen))
        errors = [e for row in rows for e in row["errors"]]
        return Preview(rows=rows, errors=errors, skipped=skipped)

    def _broken(self, number, message):
        error = RowError(None, None, _("Item %(item)d: %(message)s") % {
            "item": number, "message": message})
        return {"row": number, "register_id": "", "name": "", "outcome": ERROR,
                "errors": [error], "notes": []}

    def _check_item(self, number, item, register_id, ico, lookups, seen):
        errors, notes = [], []

        def error(field, message):
            errors.append(RowError(None, None, _(
                "Item %(item)d (identifier %(id)s), field “%(field)s”: %(message)s") % {
                "item": number, "id": register_id or "–", "field": field, "message": message}))

        if not (len(register_id) == 7 and register_id.isascii() and register_id.isdigit()):
            error("identifikator", _("The identifier of the national register of social "
                                     "services has exactly 7 digits."))
        elif register_id in seen:
            error("identifikator", _("The same service is item %(item)d.")
                  % {"item": seen[register_id]})
        seen.setdefault(register_id, number)
        provider = lookups.by_ico.get(ico)
        if provider is None:
            error("poskytovatel.ico", _("No organisation of the directory has IČO %(value)s.")
                  % {"value": ico or "–"})
        kind_code = _code(item.get("druhSocialniSluzby"), "DruhSocialniSluzby")
        paragraph = KIND_CODES.get(kind_code)
        kind = lookups.kinds.get(paragraph) if paragraph else None
        if kind is None:
            error("druhSocialniSluzby", _(
                "The register's kind of service “%(code)s” has no match in the reference "
                "data.") % {"code": kind_code or "–"})
        forms, capacities = [], []
        for entry in item.get("formy") or []:
            entry = entry if isinstance(entry, dict) else {}
            form_code = _code(entry.get("forma"), "FormaSocialniSluzby")
            form = FORM_CODES.get(form_code)
            if form is None:
                error("formy", _("Unknown form of service “%(code)s”.")
                      % {"code": form_code or "–"})
                continue
            forms.append(form)
            for capacity in entry.get("kapacity") or []:
                capacity = capacity if isinstance(capacity, dict) else {}
                capacities.append((form, _code(capacity.get("typ"), "TypKapacitySocialniSluzby"),
                                   capacity.get("pocet")))
        if not forms and not any("formy" in str(e) for e in errors):
            error("formy", _("A social service is provided in at least one form "
                             "(residential, outpatient or field)."))
        group_ids, unmatched = [], []
        for entry in item.get("ciloveSkupiny") or []:
            code = _code((entry or {}).get("cilovaSkupina") if isinstance(entry, dict) else None,
                         "CilovaSkupinaOsoby")
            group = lookups.groups.get(GROUP_CODES.get(code, ""))
            if group is None:
                unmatched.append(code or "–")
            else:
                group_ids.append(group.pk)
        if unmatched:
            notes.append(_("Target groups of the register with no match in the reference data "
                           "(not taken over): %(codes)s.") % {"codes": ", ".join(unmatched)})
        capacity_value, unit = self._capacity(capacities, lookups, notes)
        try:
            started = _day(item.get("datumPoskytovaniOd"))
        except ValueError:
            started = None
            error("datumPoskytovaniOd", _("“%(value)s” is not a date.")
                  % {"value": _text(item.get("datumPoskytovaniOd"))[:40]})
        else:
            if started is None:
                error("datumPoskytovaniOd", _("The register gives no day the service started."))
        facilities = [f for f in item.get("zarizeni") or [] if isinstance(f, dict)]
        name = next((_text(f.get("nazev")) for f in facilities if _text(f.get("nazev"))), "")
        if not name and kind is not None and provider is not None:
            name = f"{kind.name} – {provider.name}"
        name = name[:300]
        forms = [form.value for form in ServiceForm if form in forms]
        row = {"row": number, "register_id": register_id, "name": name,
               "provider": provider.name if provider else ico, "notes": notes,
               "data": {"provider_id": provider.pk if provider else None,
                        "kind_id": kind.pk if kind else None, "forms": forms,
                        "target_group_ids": sorted(group_ids),
                        "capacity": capacity_value, "unit_id": unit.pk if unit else None,
                        "network_from": started.isoformat() if started else None}}
        existing = lookups.services.get(register_id)
        if existing is not None and not errors:
            row.update(service_id=existing.pk, differences=self._differences(
                existing, row["data"], provider, kind))
            row["outcome"] = UNCHANGED
        else:
            row["outcome"] = ERROR if errors else NEW
        row["errors"] = errors
        return row

    def _capacity(self, capacities, lookups, notes):
        """The one capacity the register gives in a unit of the reference data;
        several (per form or per kind of count) are listed, not added up."""
        usable = [(form, code, count) for form, code, count in capacities
                  if code in CAPACITY_CODES]
        if len(capacities) == 1 and len(usable) == 1:
            _form, code, count = usable[0]
            try:
                value = Decimal(str(count))
            except (InvalidOperation, ValueError):
                value = None
            unit = lookups.units.get(CAPACITY_CODES[code])
            if value is not None and value >= 0 and unit is not None:
                return format(value.quantize(Decimal("0.01")), "f"), unit
        if capacities:
            listed = ", ".join(f"{count} {code}" for _form, code, count in capacities)
            notes.append(_("Capacity not taken over (enter it by hand): %(listed)s.")
                         % {"listed": listed})
        return None, None

    def _differences(self, service, data, provider, kind):
        """What the register says otherwise than the network's latest version."""
        latest = max(service.versions.all(), key=lambda v: v.valid_from, default=None)
        found = []
        if provider is not None and service.provider_id != provider.pk:
            found.append(_("provider: %(value)s") % {"value": provider.name})
        if kind is not None and service.kind_id != kind.pk:
            found.append(_("kind: § %(value)s") % {"value": kind.paragraph})
        if latest is not None:
            if sorted(form.value for form in latest.forms) != sorted(data["forms"]):
                found.append(_("forms: %(value)s") % {"value": ", ".join(
                    str(ServiceForm(f).label) for f in data["forms"])})
            missing = set(data["target_group_ids"]) - {g.pk for g in latest.target_groups.all()}
            if missing:
                found.append(_("target groups not in the network: %(count)d")
                             % {"count": len(missing)})
        return [str(text) for text in found]

    def check(self, read, *, actor, target):  # the preview above reads the file itself
        raise NotImplementedError

    def apply(self, rows, *, actor, target, pending):
        city = current_city()
        reason = _("National register of social services (%(file)s)") % {
            "file": getattr(pending, "file_name", "") or REGISTER_URL}
        new = [row for row in rows if row["outcome"] == NEW]
        providers = Organisation.objects.in_bulk({row["data"]["provider_id"] for row in new})
        kinds, units = ServiceKind.objects.in_bulk(), CapacityUnit.objects.in_bulk()
        groups = TargetGroup.objects.in_bulk()
        taken = set(Service.objects.filter(city=city, register_id__in=[
            row["register_id"] for row in new]).values_list("register_id", flat=True))
        written = 0
        for row in new:
            data = row["data"]
            provider = providers.get(data["provider_id"])
            if provider is None or row["register_id"] in taken:
                raise ImportChanged
            if not set(data["target_group_ids"]) <= groups.keys():
                raise ImportChanged
            try:
                services.service_create(
                    actor=actor, city=city, category=ServiceCategory.SERVICE,
                    provider=provider, name=row["name"], register_id=row["register_id"],
                    kind=kinds.get(data["kind_id"]),
                    network_from=date.fromisoformat(data["network_from"]),
                    forms=data["forms"],
                    target_groups=[groups[pk] for pk in data["target_group_ids"]],
                    capacity_value=Decimal(data["capacity"]) if data["capacity"] else None,
                    capacity_unit=units.get(data["unit_id"]), reason=reason)
            except ValidationError as refusal:
                raise ImportRefused([RowError(None, None, _("Item %(item)d: %(message)s") % {
                    "item": row["row"], "message": " ".join(refusal.messages)})]) from None
            written += 1
        return written

    def confirm_label(self, count):
        return ngettext("Confirm and enter %(counter)s service",
                        "Confirm and enter %(counter)s services", count) % {"counter": count}


REGISTER_IMPORTER = RegisterImporter()
