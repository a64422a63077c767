"""Demo data from the seed documents (/work/shared/seeds) for `manage.py seed_demo`.

The curated records live in ``fixtures/seed_planning.json``; each one cites
the seed document it comes from in ``source``. Loading is idempotent: a record
that already exists (looked up by its natural key) is never touched again, so
a second run writes no row and no audit entry. Where the database differs from
the seed (an officer edited the record since), the database wins and the
difference is only reported.

New rows go through ``directory.services`` (or ``core.services.model_create``
for reference data without its own service), so the audit trail records them
exactly as if an officer had entered them; membership changes use
``membership_start`` / ``membership_change`` so the history of a seat is kept.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from core.seeding import (  # noqa: F401 - the other apps' loaders take them from here
    CREATED,
    DIFFERS,
    UNCHANGED,
    UPDATED,
    SeedError,
    SeedSummary,
    _say,
    fixture_name,
)
from core.seeding import (
    note as say_note,
)
from core.services import model_create

from . import services
from .models import City, Membership, Organisation, Person, SupportArea, Territory, WorkingGroup

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_planning.json"
CITY_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_city.json"
ACCESSIBILITY_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_accessibility.json"
PRIVACY_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_privacy.json"
DEMO_PASSWORD = "demo-heslo-2024"  # noqa: S105 - published demo password, embedded default only

def read_seed_data(path=None):
    with open(path or FIXTURE, encoding="utf-8") as fh:
        return json.load(fh)


def _date(value):
    return date.fromisoformat(value) if value else None


def organisation_note(record):
    """The `note` of an organisation: its other published spellings, then any note."""
    parts = []
    also = record.get("also_published_as") or []
    if also:
        parts.append(
            "Zveřejněno také jako: "
            + "; ".join(f"„{a['text']}“, {a['source']}" for a in also)
            + "."
        )
    if record.get("note"):
        parts.append(record["note"])
    return "\n".join(parts)


def _person_key(record):
    return {
        "title_before": record["title_before"],
        "given_name": record["given_name"],
        "family_name": record["family_name"],
        "title_after": record["title_after"],
    }


class _DirectoryLoader:
    def __init__(self, data, summary, stdout, verbosity):
        self.data = data
        self.summary = summary
        self.stdout = stdout
        self.verbosity = verbosity
        self.areas: dict[str, SupportArea] = {}
        self.orgs: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.bodies: dict[str, WorkingGroup] = {}

    # --- helpers -------------------------------------------------------------

    def _outcome(self, model, outcome, obj=None, fields=()):
        self.summary.add(model, outcome)
        if outcome == DIFFERS:
            _say(
                self.stdout,
                f"  ! {model._meta.label} “{obj}” differs from the seed in "
                f"{', '.join(fields)}; kept as it is in the database.",
            )

    def _compare(self, model, obj, wanted):
        differing = [name for name, value in wanted.items() if value != self._current(obj, name)]
        self._outcome(model, DIFFERS if differing else UNCHANGED, obj, differing)

    @staticmethod
    def _current(obj, name):
        if name == "support_areas":
            return sorted(obj.support_areas.values_list("numeral", flat=True))
        if name == "needs":
            return list(obj.needs.order_by("position").values_list("text", flat=True))
        return getattr(obj, name)

    # --- records -------------------------------------------------------------

    def support_areas(self):
        for rec in self.data["support_areas"]:
            fields = {"numeral": rec["numeral"], "position": rec["position"], "name": rec["name"]}
            area = SupportArea.objects.filter(numeral=rec["numeral"]).first()
            if area is None:
                area = model_create(actor=None, model=SupportArea, data=fields)
                self._outcome(SupportArea, CREATED)
            else:
                self._compare(SupportArea, area, fields)
            self.areas[rec["numeral"]] = area

    def organisations(self):
        for rec in self.data["organisations"]:
            fields = {
                "name": rec["name"],
                "short_name": rec.get("short_name", ""),
                "legal_form": rec.get("legal_form", ""),
                "kind": rec.get("kind", "ngo"),
                "address": rec.get("address", ""),
                "note": organisation_note(rec),
            }
            org = Organisation.objects.filter(name=rec["name"]).first()
            if org is None:
                org = services.organisation_create(actor=None, **fields)
                self._outcome(Organisation, CREATED)
            else:
                self._compare(Organisation, org, fields)
            self.orgs[rec["key"]] = org

    def _org(self, key):
        if key is None:
            return None
        try:
            return self.orgs[key]
        except KeyError:
            raise SeedError(f"Unknown organisation key {key!r} in the seed data.") from None

    def _person(self, key):
        if key is None:
            return None
        try:
            return self.people[key]
        except KeyError:
            raise SeedError(f"Unknown person key {key!r} in the seed data.") from None

    def people_(self):
        for rec in self.data["people"]:
            key = _person_key(rec)
            fields = {**key, "organisation": self._org(rec.get("organisation"))}
            person = Person.objects.filter(**key).first()
            if person is None:
                person = services.person_create(actor=None, **fields)
                self._outcome(Person, CREATED)
            else:
                self._compare(Person, person, {"organisation": fields["organisation"]})
            self.people[rec["key"]] = person

    def bodies_(self):
        for rec in self.data["bodies"]:
            fields = {
                "kind": rec["kind"],
                "name": rec["name"],
                "code": rec["code"],
                "manager": self._person(rec.get("manager")),
                "contact_person": self._person(rec.get("contact_person")),
                "target_group_description": rec.get("target_group_description", ""),
            }
            areas = [self.areas[n] for n in rec.get("support_areas", [])]
            needs = list(rec.get("needs", []))
            group = WorkingGroup.objects.filter(code=rec["code"]).first()
            if group is None:
                group = services.working_group_create(
                    actor=None, support_areas=areas, needs=needs, **fields
                )
                self._outcome(WorkingGroup, CREATED)
            else:
                self._compare(
                    WorkingGroup,
                    group,
                    {**fields, "support_areas": sorted(rec.get("support_areas", [])),
                     "needs": needs},
                )
            self.bodies[rec["code"]] = group

    def personal_memberships(self):
        for rec in self.data["memberships"]:
            body = self.bodies[rec["body"]]
            member = self._person(rec["member"])
            valid_from, valid_to = _date(rec.get("valid_from")), _date(rec.get("valid_to"))
            existing = Membership.objects.filter(
                body=body, organisation__isnull=True, member=member, position=rec["position"],
                valid_from=valid_from, valid_to=valid_to,
            ).first()
            if existing is not None:
                self._compare(Membership, existing, {"source": rec["source_text"]})
                continue
            membership = services.membership_start(
                actor=None, body=body, member=member, position=rec["position"],
                valid_from=valid_from, source=rec["source_text"],
            )
            self._outcome(Membership, CREATED)
            if valid_to:
                services.membership_end(
                    actor=None, membership=membership, on=valid_to, source=rec["source_text"]
                )

    def seat_histories(self):
        """An organisation's seat in a body over time: each seat of the list
        ends when the next one starts ("X: new member Y, substitute stays Z")."""
        for rec in self.data["seat_histories"]:
            body = self.bodies[rec["body"]]
            org = self._org(rec["organisation"])
            source = rec["source_text"]
            seats = rec["seats"]
            for i, seat in enumerate(seats):
                nxt = seats[i + 1] if i + 1 < len(seats) else None
                member, substitute = self._person(seat["member"]), self._person(seat["substitute"])
                valid_from, valid_to = _date(seat["valid_from"]), _date(seat["valid_to"])
                rows = Membership.objects.filter(
                    body=body, organisation=org, member=member, substitute=substitute,
                    valid_from=valid_from,
                )
                if rows.filter(valid_to=valid_to).exists():
                    self._outcome(Membership, UNCHANGED)
                    continue
                # Still open, to be ended by the next seat of the list below.
                if nxt and valid_to and valid_to == _date(nxt["valid_from"]) and rows.filter(
                    valid_to__isnull=True
                ).exists():
                    continue
                open_seat = Membership.objects.filter(
                    body=body, organisation=org, valid_to__isnull=True
                ).first()
                prev = seats[i - 1] if i else None
                if open_seat is None:
                    membership = services.membership_start(
                        actor=None, body=body, organisation=org, member=member,
                        substitute=substitute, position=seat.get("position", "member"),
                        valid_from=valid_from, source=source,
                    )
                    self._outcome(Membership, CREATED)
                    if valid_to and not (nxt and valid_to == _date(nxt["valid_from"])):
                        services.membership_end(
                            actor=None, membership=membership, on=valid_to, source=source
                        )
                elif (
                    prev
                    and valid_from
                    and _date(prev["valid_to"]) == valid_from
                    and open_seat.member_id == getattr(self._person(prev["member"]), "pk", None)
                    and open_seat.substitute_id
                    == getattr(self._person(prev["substitute"]), "pk", None)
                ):
                    services.membership_change(
                        actor=None, membership=open_seat, on=valid_from, member=member,
                        substitute=substitute, source=source,
                    )
                    self._outcome(Membership, CREATED)
                    self._outcome(Membership, UPDATED)  # the previous seat ended
                    if valid_to and not nxt:
                        new = Membership.objects.get(
                            body=body, organisation=org, valid_to__isnull=True
                        )
                        services.membership_end(
                            actor=None, membership=new, on=valid_to, source=source
                        )
                else:
                    self._outcome(Membership, DIFFERS, open_seat, ["current seat"])

    def report_notes(self):
        notes, skipped = self.data.get("seed_notes", []), self.data.get("not_loaded", [])
        if self.verbosity >= 2:
            _say(self.stdout, "Inconsistencies in the seeds (kept as published):")
            for note in notes:
                _say(self.stdout, f"  - [{note['source']}] {note['text']}")
            _say(self.stdout, "Named in the seeds but not loaded:")
            for item in skipped:
                _say(self.stdout, f"  - {item['text']} [{item['source']}]: {item['reason']}")
        else:
            say_note(
                self.stdout,
                f"the seed documents hold {len(notes)} inconsistencies, kept as published, "
                f"and {len(skipped)} names that are not loaded; {fixture_name(FIXTURE)} "
                f"lists them (\"seed_notes\", \"not_loaded\"; seed_demo -v 2 prints them).",
            )

    def run(self):
        self.support_areas()
        self.organisations()
        self.people_()
        self.bodies_()
        self.personal_memberships()
        self.seat_histories()
        self.report_notes()


def read_city_data(path=None):
    with open(path or CITY_FIXTURE, encoding="utf-8") as fh:
        return json.load(fh)


class _CityLoader:
    """The territories and the city of the fixture. A row that exists is not
    overwritten: an empty field of it is filled from the fixture (a territory
    moved from the indicators has no kind or official code yet, a city row made
    by the migration has only its name), any other difference is reported."""

    TERRITORY_FIELDS = ("name", "short_name", "kind", "official_code")
    CITY_FIELDS = ("name", "full_name", "department", "address", "document_language",
                   "currency", "currency_symbol", "ico", "ruian_code")

    def __init__(self, data, summary, stdout):
        self.data, self.summary, self.stdout = data, summary, stdout
        self.territories: dict[str, Territory] = {}

    def _fill(self, model, obj, wanted, update):
        missing = {k: v for k, v in wanted.items() if v not in (None, "")
                   and getattr(obj, k) in (None, "")}
        differing = [k for k, v in wanted.items() if k not in missing and v not in (None, "")
                     and getattr(obj, k) != v]
        if missing:
            obj = update(obj, missing)
            self.summary.add(model, UPDATED)
        elif not differing:
            self.summary.add(model, UNCHANGED)
        if differing:
            self.summary.add(model, DIFFERS)
            _say(self.stdout, f"  ! {model._meta.label} “{obj}” differs from the seed in "
                              f"{', '.join(differing)}; kept as it is in the database.")
        return obj

    def _territory(self, code):
        if code is None:
            return None
        try:
            return self.territories[code]
        except KeyError:
            raise SeedError(f"Unknown territory code {code!r} in the city seed data.") from None

    def run(self):
        records = self.data["territories"]
        for rec in records:  # in the fixture's order: the ids follow it
            wanted = {k: rec.get(k, "") for k in self.TERRITORY_FIELDS}
            territory = Territory.objects.filter(code=rec["code"]).first()
            if territory is None:
                territory = services.territory_create(actor=None, code=rec["code"], **wanted)
                self.summary.add(Territory, CREATED)
            else:
                territory = self._fill(Territory, territory, wanted, lambda obj, data:
                                       services.territory_update(actor=None, territory=obj,
                                                                 **data))
            self.territories[rec["code"]] = territory
        for rec in records:
            parent = self._territory(rec.get("parent"))
            territory = self.territories[rec["code"]]
            if parent is not None and territory.parent_id is None:
                self.territories[rec["code"]] = services.territory_update(
                    actor=None, territory=territory, parent=parent)
            elif parent is not None and territory.parent_id != parent.pk:
                _say(self.stdout, f"  ! Territory “{territory}” lies in another territory "
                                  f"than the seed says; kept as it is in the database.")
        rec = self.data["city"]
        wanted = {k: rec.get(k, "") for k in self.CITY_FIELDS}
        wanted["home_territory"] = self._territory(rec.get("home_territory"))
        wanted["region"] = self._territory(rec.get("region"))
        city = City.objects.order_by("pk").first()
        if city is None:
            services.city_save(actor=None, **wanted)
            self.summary.add(City, CREATED)
        else:
            self._fill(City, city, wanted, lambda obj, data:
                       services.city_save(actor=None, city=obj, **data))


def load_accessibility(summary, data=None):
    """The demo's accessibility statement and its known gaps, for a city that
    has no statement yet; an existing statement (the administrator's) is never
    touched."""
    from . import accessibility
    from .models import AccessibilityGap, AccessibilityStatement

    city = City.objects.order_by("pk").first()
    if city is None:
        return
    if AccessibilityStatement.objects.filter(city=city).exists():
        summary.add(AccessibilityStatement, UNCHANGED)
        return
    if data is None:
        with open(ACCESSIBILITY_FIXTURE, encoding="utf-8") as fh:
            data = json.load(fh)
    fields = {k: v for k, v in data["statement"].items() if k in accessibility.STATEMENT_FIELDS}
    for name in ("prepared_on", "reviewed_on"):
        fields[name] = _date(fields.get(name))
    accessibility.statement_save(actor=None, city=city, **fields)
    summary.add(AccessibilityStatement, CREATED)
    for rec in data["gaps"]:
        gap = {k: v for k, v in rec.items() if k in accessibility.GAP_FIELDS}
        for name in ("found_on", "fixed_on"):
            gap[name] = _date(gap.get(name))
        accessibility.gap_create(actor=None, city=city, **gap)
        summary.add(AccessibilityGap, CREATED)


def load_privacy(summary, data=None):
    """The demo's privacy notice and its kinds of personal data, for a city
    that has no notice yet; an existing notice is never touched."""
    from . import privacy
    from .models import PrivacyDataKind, PrivacyNotice

    city = City.objects.order_by("pk").first()
    if city is None:
        return
    if PrivacyNotice.objects.filter(city=city).exists():
        summary.add(PrivacyNotice, UNCHANGED)
        return
    if data is None:
        with open(PRIVACY_FIXTURE, encoding="utf-8") as fh:
            data = json.load(fh)
    fields = {k: v for k, v in data["notice"].items() if k in privacy.NOTICE_FIELDS}
    fields["updated_on"] = _date(fields.get("updated_on"))
    privacy.notice_save(actor=None, city=city, **fields)
    summary.add(PrivacyNotice, CREATED)
    for rec in data["kinds"]:
        privacy.data_kind_create(actor=None, city=city,
                                 **{k: v for k, v in rec.items() if k in privacy.KIND_FIELDS})
        summary.add(PrivacyDataKind, CREATED)


def load(stdout=None, *, summary=None, verbosity=1, data=None, city_data=None):
    """Load the city and its territories, support areas, organisations, people,
    bodies and memberships."""
    summary = summary if summary is not None else SeedSummary()
    data = data if data is not None else read_seed_data()
    city_data = city_data if city_data is not None else read_city_data()
    with transaction.atomic():
        _CityLoader(city_data, summary, stdout).run()
        load_accessibility(summary)
        load_privacy(summary)
        _DirectoryLoader(data, summary, stdout, verbosity).run()
    return summary


def load_demo_accounts(stdout=None, *, summary=None, verbosity=1, data=None,
                       password=DEMO_PASSWORD):
    """One login per role, linked to the seeded people and organisations. An
    existing account is left alone (its password is never reset)."""
    summary = summary if summary is not None else SeedSummary()
    data = data if data is not None else read_seed_data()
    people = {p["key"]: p for p in data["people"]}
    orgs = {o["key"]: o for o in data["organisations"]}
    User = get_user_model()
    lines = []
    demo_device = None
    with transaction.atomic():
        for rec in data["demo_accounts"]:
            person = org = None
            if rec.get("person"):
                person = Person.objects.filter(**_person_key(people[rec["person"]])).first()
                if person is None:
                    raise SeedError(f"Person {rec['person']!r} is missing: load directory first.")
            if rec.get("implementer_organisation"):
                name = orgs[rec["implementer_organisation"]]["name"]
                org = Organisation.objects.filter(name=name).first()
                if org is None:
                    raise SeedError(f"Organisation {name!r} is missing: load directory first.")
            user = User.objects.filter(username=rec["username"]).first()
            if user is None:
                user = User(
                    username=rec["username"],
                    email=rec.get("email", ""),
                    is_superuser=rec.get("is_superuser", False),
                    is_staff=rec.get("is_staff", False),
                    is_city_officer=rec.get("is_city_officer", False),
                    person=person,
                    implementer_organisation=org,
                    first_name=person.given_name if person else "",
                    last_name=person.family_name if person else "",
                )
                user.set_password(password)
                user.save()
                summary.add(User, CREATED)
            elif not user.has_usable_password() or (rec.get("email") and not user.email):
                # An account made before the demo had addresses gets one (so the
                # console shows the mails the workflows send); a password only
                # when it has none, never reset.
                fields = []
                if not user.has_usable_password():
                    user.set_password(password)
                    fields.append("password")
                if rec.get("email") and not user.email:
                    user.email = rec["email"]
                    fields.append("email")
                user.save(update_fields=fields)
                summary.add(User, UPDATED)
            else:
                summary.add(User, UNCHANGED)
            who = person or org or ""
            lines.append(f"  {rec['username']:<11} {rec['role']:<15} {user.email:<28} {who}")
            if user.is_superuser:
                demo_device = _demo_admin_device(user, summary)
    _say(stdout, f"Demo accounts (password for each: {password}):")
    for line in lines:
        _say(stdout, line)
    if demo_device is not None:
        _say(stdout, f"Administrators need a second factor. Demo TOTP secret of "
                     f"{demo_device.user.username}: {DEMO_TOTP_SECRET}")
        _say(stdout, f"  add it to an authenticator app: {demo_device.config_url}")
        _say(stdout, f"  or run: python manage.py otp_code {demo_device.user.username}")
    return summary


# Published with the demo password: the embedded demo only.
DEMO_TOTP_SECRET = "KPOSTRAVADEMOADMINTOTPSECRET2345"  # noqa: S105


def _demo_admin_device(user, summary):
    """The demo administrator's authenticator: a confirmed TOTP device with the
    published demo secret. A device the administrator set up is left alone
    (and its secret is not printed)."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    if not devices.exists():
        device = TOTPDevice.objects.create(user=user, name="demo", key=key, confirmed=True)
        summary.add(TOTPDevice, CREATED)
        return device
    summary.add(TOTPDevice, UNCHANGED)
    return devices.filter(key=key).first()
