"""Demo data for the meetings app, loaded by `manage.py seed_demo`.

From ``fixtures/seed_meetings.json`` (a transcription of the minutes 000, 002
and 003 and of the timeline of 001): the three meetings with days, place,
programme, attendance, items, tasks, membership changes, recorded / verified by
and the next meeting, published as they were; and the events that are not
meetings. Everything goes through ``meetings.services`` so the audit trail
records it. A meeting already present (same body, same first day) and an event
already present (same title, same first day) are left alone, so a second run
creates, changes and audits nothing. The inconsistencies the transcription
noted in the sources are reported, never fixed.

From ``fixtures/seed_participation.json``: three invented meetings, marked
illustrative in their title, source and text, in which one member organisation
is absent without excuse three times in a row (no minutes of the seeds show
that), so that the demo shows participation and exactly one absence alert.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.seeding import fixture_name
from core.seeding import note as say_note
from directory.models import Membership, Organisation, Person, WorkingGroup
from directory.seed import CREATED, UNCHANGED, SeedError, read_seed_data
from planning.models import Plan, PlanItem
from projects.models import Project

from . import services
from .models import (
    AttendanceRole,
    Event,
    EventKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Presence,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_meetings.json"
# Invented meetings (marked illustrative) in which one member organisation
# misses three meetings in a row without excuse, which the minutes of the
# seeds do not show: the demo's participation table and its one absence alert.
PARTICIPATION_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_participation.json"

ROLE_GROUPS = {
    "MT member": AttendanceRole.MEMBER,
    "member": AttendanceRole.MEMBER,
    "group manager": AttendanceRole.GROUP_MANAGER,
    "contact person": AttendanceRole.CONTACT_PERSON,
    "guest": AttendanceRole.GUEST,
}
EVENT_KINDS = {
    "conference": EventKind.CONFERENCE, "forum": EventKind.CONFERENCE,
    "round_table": EventKind.ROUND_TABLE, "workshop": EventKind.WORKSHOP,
    "seminar": EventKind.SEMINAR, "presentation": EventKind.SEMINAR,
    "award_ceremony": EventKind.AWARD, "campaign": EventKind.CAMPAIGN,
    "article_series": EventKind.CAMPAIGN, "platform_meeting": EventKind.MEETING,
    "partnership_meeting": EventKind.MEETING, "working_group_meeting": EventKind.MEETING,
    "online_meeting": EventKind.MEETING, "city_body_session": EventKind.MILESTONE,
}


def _say(stdout, message):
    if stdout is not None:
        stdout.write(f"{message}\n")


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _time(value):
    return datetime.time.fromisoformat(value) if value else None


class _Loader:
    def __init__(self, data, planning_data, summary, stdout, verbosity):
        self.data = data
        self.summary = summary
        self.stdout = stdout
        self.verbosity = verbosity
        self.person_keys = {p["key"]: p for p in planning_data.get("people", [])}
        self.org_keys = {o["key"]: o for o in planning_data.get("organisations", [])
                         if "key" in o}

    # --- look-ups ---------------------------------------------------------------

    def person(self, key, *, required=False):
        if not key:
            return None
        record = self.person_keys.get(key)
        person = None
        if record is not None:
            person = Person.objects.filter(
                title_before=record["title_before"], given_name=record["given_name"],
                family_name=record["family_name"], title_after=record["title_after"]).first()
        if person is None and required:
            raise SeedError(f"meetings: person “{key}” is missing; load the planning seed first.")
        return person

    def organisation(self, key):
        if not key:
            return None
        record = self.org_keys.get(key)
        if record is None:
            return None
        return Organisation.objects.filter(name=record["name"]).first()

    def body(self, record):
        code = record.get("body_code_hint")
        body = WorkingGroup.objects.filter(code=code).first() if code else None
        if body is None:
            body = WorkingGroup.objects.filter(name=record.get("body_name")).first()
        if body is None:
            raise SeedError(f"meetings: the body “{record.get('body_name')}” ({code}) of "
                            f"minutes {record['source']} is missing; load the planning seed "
                            "first.")
        return body

    def funding_project(self, record):
        number = record.get("funding_project_registration_number")
        if not number:
            return None
        project = Project.objects.filter(registration_number=number).first()
        if project is None:
            raise SeedError(
                f"meetings: the minutes {record['source']} belong to the project {number}, "
                "which is not in the database; the projects seed must load it first "
                "(the link to the project is not dropped silently).")
        return project

    # --- meetings ----------------------------------------------------------------

    def meetings(self, records=None):
        for record in self.data["meetings"] if records is None else records:
            body = self.body(record)
            first = min(_date(d["date"]) for d in record["days"])
            if Meeting.objects.filter(body=body, starts_on=first).exists():
                self.summary.add(Meeting, UNCHANGED)
                continue
            with transaction.atomic(), services.refreshed_once():
                self.meeting(record, body)
            self.summary.add(Meeting, CREATED)

    def meeting(self, record, body):
        place = record.get("place") or {}
        days = [(_date(d["date"]), _time(d.get("start_time")), _time(d.get("end_time")))
                for d in record["days"]]
        recorded_key, recorded_text = self.signed(record, "recorded_by")
        meeting = services.meeting_create(
            actor=None, body=body, days=days,
            kind=record.get("kind") if record.get("kind") in MeetingKind.values
            else MeetingKind.OTHER,
            status=MeetingStatus.HELD,
            title=self.title(record),
            place_name=place.get("name") or "", place_address=place.get("address") or "",
            place_room=place.get("room") or "", place_published=place.get("text") or "",
            latitude=Decimal(str(place["lat"])) if place.get("lat") is not None else None,
            longitude=Decimal(str(place["lon"])) if place.get("lon") is not None else None,
            recorded_by=self.person(recorded_key),
            recorded_by_text=recorded_text,
            recorded_on=_date(record.get("recorded_on")),
            funding_project=self.funding_project(record),
            source=f"{record['source']} ({record.get('source_file', '')})"[:300],
        )
        day_rows = list(meeting.days.order_by("date"))
        self.programme(meeting, record, day_rows)
        self.attendance(meeting, record)
        items = self.items(meeting, record)
        self.membership_changes(meeting, record, items)
        nxt = record.get("next_meeting")
        if nxt:
            nplace = nxt.get("place") or {}
            services.next_meeting_plan(
                actor=None, meeting=meeting, date=_date(nxt["date"]),
                start_time=_time(nxt.get("start_time")), end_time=_time(nxt.get("end_time")),
                place_name=nplace.get("name") or "", place_address=nplace.get("address") or "",
                place_room=nplace.get("room") or "",
                latitude=Decimal(str(nplace["lat"])) if nplace.get("lat") is not None else None,
                longitude=Decimal(str(nplace["lon"])) if nplace.get("lon") is not None
                else None,
                source=f"{record['source']}: {nxt.get('text', '')}"[:300],
            )
            self.summary.add(Meeting, CREATED)
        services.minutes_submit(actor=None, meeting=meeting)
        verified_key, verified_text = self.signed(record, "verified_by")
        services.minutes_publish(
            actor=None, meeting=meeting, verified_by=self.person(verified_key),
            verified_by_text=verified_text)
        return meeting

    @staticmethod
    def title(record):
        """The printed subtitle, unless it is the clause naming the funding
        project ("v rámci projektu „…“ (CZ.03…)"): the minutes print that
        clause from the project, so as a title it would be printed twice."""
        subtitle = record.get("subtitle_text") or ""
        number = record.get("funding_project_registration_number")
        if number and number in subtitle:
            return ""
        return subtitle

    @staticmethod
    def signed(record, role):
        """(person key, text as published) of who recorded / verified the
        minutes. Minutes without the labels "Zapsal" / "Ověřil" (003) sign
        with name and function only; the transcription gives each signature
        the role it has in the same layout of the group's minutes (002)."""
        person = record.get(role) or {}
        if person or record.get(f"{role}_text"):
            return person.get("person_key"), record.get(f"{role}_text") or ""
        for signature in record.get("signatures") or []:
            if signature.get("role_by_analogy_with_002") == role:
                text = ", ".join(p for p in (signature.get("name_text"),
                                             signature.get("role_text")) if p)
                return (signature.get("person") or {}).get("person_key"), text
        return None, ""

    def programme(self, meeting, record, day_rows):
        multi = len(day_rows) > 1
        for point in record.get("programme", []):
            day = day_rows[point["day"]] if multi and point.get("day") is not None else None
            presenters = point.get("presenters") or []
            single = presenters[0] if len(presenters) == 1 else None
            parent = services.programme_item_create(
                actor=None, meeting=meeting, position=point["number"],
                title=point["title"], day=day,
                presenter=self.person(single.get("person_key")) if single else None,
                presenter_text=point.get("presenter_text") or "",
            )
            parsed = point.get("sub_points_parsed") or [{"topic": t} for t in
                                                         point.get("sub_points", [])]
            for position, sub in enumerate(parsed, start=1):
                who = sub.get("presenter") or {}
                services.programme_item_create(
                    actor=None, meeting=meeting, position=position,
                    parent=parent, day=day, title=sub.get("topic") or sub.get("text", ""),
                    presenter=self.person(who.get("person_key")),
                    presenter_text=sub.get("presenter_text") or "",
                )

    def attendance(self, meeting, record):
        att = record.get("attendance") or {}
        position = 0
        for person in att.get("present", []):
            position += 1
            services.attendance_create(
                actor=None, meeting=meeting, presence=Presence.PRESENT,
                role=ROLE_GROUPS.get(person.get("role_group"), AttendanceRole.MEMBER),
                person=self.person(person.get("person_key")),
                organisation=self.organisation(person.get("organisation_key")),
                name_text=person.get("name_text") or "", position=position,
            )
        # Only whom the minutes print as present. `attendance.guests` repeats
        # the printed guests (already in `present`) and adds presenters that the
        # minutes name only in the programme (000: Mgr. Antonín Liška on day 2;
        # 003: Mgr. Barbora Klinovská): they are the programme's presenters, not
        # attendees, so 000 lists its 25 participants and no one else.
        for excused in att.get("excused", []):
            position += 1
            services.attendance_create(
                actor=None, meeting=meeting, presence=Presence.EXCUSED,
                role=AttendanceRole.MEMBER,
                organisation=self.organisation(excused.get("organisation_key")),
                name_text=excused.get("text") or "", position=position,
            )
        if att.get("see_attendance_sheet"):
            services.attendance_sheet_set(actor=None, meeting=meeting, attendance_sheet=True)

    def items(self, meeting, record):
        items = {}
        for entry in record.get("items", []):
            item = services.minutes_item_create(
                actor=None, meeting=meeting, position=entry["number"],
                title=entry["title"], text_html=entry.get("text_html") or "",
                decisions="\n".join(entry.get("decisions") or []),
                moved_to_next=bool(entry.get("moved_to_next_meeting")),
            )
            items[entry["number"]] = item
            for position, task in enumerate(entry.get("tasks") or [], start=1):
                owner_person = self.person(task.get("owner_person_key"))
                services.task_create(
                    actor=None, meeting=meeting, item=item, position=position,
                    description=task["description"], owner_person=owner_person,
                    owner_text=task.get("owner_text") or ("" if owner_person else "neuvedeno"),
                    deadline=_date(task.get("deadline")),
                )
        return items

    def membership_changes(self, meeting, record, items):
        for change in record.get("membership_changes", []):
            organisation = self.organisation(change.get("organisation_key"))
            if organisation is None:
                raise SeedError(f"meetings: organisation “{change.get('organisation_text')}” "
                                f"of a membership change in {record['source']} is missing.")
            member = self.person((change.get("member") or {}).get("person_key"))
            substitute = self.person((change.get("substitute") or {}).get("person_key"))
            on = _date(change["effective_from"])
            item = next((i for i in items.values() if "Různé" in i.title), None)
            # The planning seed may already hold the change in the seat's history.
            seat = Membership.objects.filter(body=meeting.body, organisation=organisation,
                                             valid_from=on, member=member).first()
            kwargs = {"actor": None, "meeting": meeting, "organisation": organisation,
                      "effective_on": on, "member": member,
                      "substitute": None if change.get("substitute_stays") else substitute,
                      "published_text": change.get("text") or "", "item": item}
            if seat is not None:
                services.membership_change_link(membership=seat, **kwargs)
            else:
                services.membership_change_record(**kwargs)

    def illustrative_meetings(self, path):
        with open(path, encoding="utf-8") as fh:
            invented = json.load(fh)
        self.meetings(invented["meetings"])
        say_note(self.stdout, f"{len(invented['meetings'])} meetings of {fixture_name(path)} "
                              "are invented, illustrative data (participation tracking), "
                              "not minutes of the seeds.")

    # --- events ------------------------------------------------------------------

    def events(self):
        for record in self.data.get("events", []):
            start = _date(record["date_from"])
            if Event.objects.filter(title=record["title"], starts_on=start).exists():
                self.summary.add(Event, UNCHANGED)
                continue
            end = _date(record.get("date_to"))
            area = None
            if record.get("related_area_code") and (record.get("related_area_plan") or "") \
                    .startswith("PSZ"):
                area = PlanItem.objects.filter(plan__kind="psz", parent__isnull=True,
                                               code=record["related_area_code"]).first()
            # The plan whose document printed an event of none of its areas.
            plan = None
            if record.get("plan"):
                plan = Plan.objects.filter(code=record["plan"]).first()
                if plan is None:
                    raise SeedError(f"meetings: event “{record['id']}”: plan "
                                    f"“{record['plan']}” is missing; load the plans first.")
            description = record.get("text") or ""
            if record.get("date_note"):
                description = f"{description}\n({record['date_note']})"
            services.event_create(
                actor=None, title=record["title"][:500],
                kind=EVENT_KINDS.get(record.get("kind"), EventKind.OTHER),
                starts_on=start, ends_on=end if end and end != start else None,
                month_only=record.get("date_precision") == "month",
                start_time=_time(record.get("start_time")),
                end_time=_time(record.get("end_time")),
                place=(record.get("place_text") or "")[:300],
                link=record.get("link") or "", organiser=(record.get("organiser_text") or "")[:300],
                plan_area=area, plan=plan, description=description,
                source=(record.get("source_where") or record.get("source") or "")[:300],
            )
            self.summary.add(Event, CREATED)

    def timeline_notes(self):
        """The paragraphs and captions of the printed timeline that tell of no
        single event (001: how many applications a call received, how long an
        organisation has worked in the city): kept as timeline notes of the plan, so
        that the report's timeline prints what the document prints."""
        timeline = self.data.get("timeline") or {}
        plan = None
        if timeline.get("plan"):
            plan = Plan.objects.filter(code=timeline["plan"]).first()
            if plan is None:
                raise SeedError(f"meetings: the timeline's plan “{timeline['plan']}” is "
                                "missing; load the plans first.")
        for note in self.data.get("timeline_notes", []):
            start = _date(note["date"])
            if Event.objects.filter(title=note["text"], starts_on=start,
                                    kind=EventKind.NOTE).exists():
                self.summary.add(Event, UNCHANGED)
                continue
            area = None
            if note.get("related_area_code") and plan is not None:
                area = PlanItem.objects.filter(plan=plan, parent__isnull=True,
                                               code=note["related_area_code"]).first()
            services.event_create(
                actor=None, title=note["text"], kind=EventKind.NOTE, starts_on=start,
                month_only=note.get("date_precision") == "month",
                link=note.get("link") or "", plan_area=area, plan=plan,
                source=(note.get("source_where") or note.get("source") or "")[:300],
            )
            self.summary.add(Event, CREATED)

    def report(self):
        notes = self.data.get("inconsistencies", [])
        say_note(self.stdout,
                 f"{len(notes)} places where the minutes and the other sources are "
                 f"inconsistent or odd are kept as published; {fixture_name(self.path)} "
                 f"lists them (\"inconsistencies\"; seed_demo -v 2 prints them).")
        if self.verbosity >= 2:
            for note in notes:
                _say(self.stdout, f"    - {note.get('where')}: {note.get('what')} "
                                  f"→ {note.get('kept_as')}")


def load(*, stdout, summary, verbosity=1, path=None):
    with open(path or FIXTURE, encoding="utf-8") as fh:
        data = json.load(fh)
    loader = _Loader(data, read_seed_data(), summary, stdout, verbosity)
    loader.path = path or FIXTURE
    loader.meetings()
    if path is None:
        loader.illustrative_meetings(PARTICIPATION_FIXTURE)
    loader.events()
    loader.timeline_notes()
    loader.report()
    return summary
