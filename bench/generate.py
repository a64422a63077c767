"""Multiply the data in the database by N, for benchmarks and for the
query-count tests.

`multiply(factor)` takes whatever is in the database - normally what
`manage.py seed_demo` loaded - and adds `factor - 1` copies of

* organisations, people, working groups (with their support areas and needs)
  and memberships;
* projects (funding split, key activities, half-year reports, linked
  measures), with unique registration numbers in the programme's own format;
* indicators (plans, values, parts of composite values), with unique codes;
* meetings (days, programme, attendance, minutes items, tasks, membership
  changes, versions) and events,
* services of the network (versions, forms, indicator values, funding),

with suffixed unique names and codes. Copy k links only to copy k: copy 7 of a
group has copy 7 of its manager, of its member organisations and of their
members; copy 7 of a meeting is held by copy 7 of its group, with copy 7 of
the people present and of its funding project; copy 7 of a project indicator
belongs to copy 7 of the project - so every copied page has the same shape as
the original. Reference data is shared, not copied: support areas,
territories, programmes and calls, and the plans with their items (so the
measures and specific goals gain the copies of their projects and
indicators, and a plan's report grows with the factor). Everything goes in
with bulk_create inside one transaction: 100x the demo data takes seconds.

Command line (no manage.py needed)::

    python -m bench.generate 100           # multiply what is there
    python -m bench.generate 100 --seed    # load seed_demo first if the DB is empty
"""

import argparse
import os
import sys
import time

BATCH_SIZE = 2000


def _suffixed(value, suffix, max_length):
    return value[: max_length - len(suffix)] + suffix


def _email(value, k):
    if not value or "@" not in value:
        return value
    local, domain = value.rsplit("@", 1)
    return f"{local}+{k}@{domain}"


class _IcoSource:
    """Unique, checksum-valid IČO numbers that are not in the database yet."""

    def __init__(self, taken):
        from directory.validators import ico_check_digit

        self._check = ico_check_digit
        self._taken = set(taken)
        self._next = 9_000_000

    def __call__(self):
        while True:
            first_seven = f"{self._next:07d}"
            self._next += 1
            ico = first_seven + str(self._check(first_seven))
            if ico not in self._taken:
                self._taken.add(ico)
                return ico


def _free_tags(organisations, people, groups, indicators, copies):
    """Suffix makers for copy k: " (k)" and "-k" on the first multiplication;
    " (r.k)" and "-r-k" with the first round r that collides with nothing, when
    the data was multiplied before."""
    from directory.models import Organisation, Person, WorkingGroup
    from indicators.models import Indicator

    org_names = set(Organisation.objects.values_list("name", flat=True))
    person_keys = set(Person.objects.values_list(
        "title_before", "given_name", "family_name", "title_after"))
    group_names = set(WorkingGroup.objects.values_list("name", flat=True))
    group_codes = set(WorkingGroup.objects.values_list("code", flat=True))
    indicator_codes = set(Indicator.objects.values_list("code", flat=True))
    name_len = {
        "org": Organisation._meta.get_field("name").max_length,
        "person": Person._meta.get_field("family_name").max_length,
        "group": WorkingGroup._meta.get_field("name").max_length,
        "code": WorkingGroup._meta.get_field("code").max_length,
        "indicator": Indicator._meta.get_field("code").max_length,
    }

    def fresh(candidates, taken):
        return len(candidates) == len(set(candidates)) and not taken.intersection(candidates)

    for r in range(1, 1000):
        def name_tag(k, r=r):
            return f" ({k})" if r == 1 else f" ({r}.{k})"

        def code_tag(k, r=r):
            return f"-{k}" if r == 1 else f"-{r}-{k}"

        if (
            fresh([_suffixed(o.name, name_tag(k), name_len["org"])
                   for k in copies for o in organisations], org_names)
            and fresh([(p.title_before, p.given_name,
                        _suffixed(p.family_name, name_tag(k), name_len["person"]), p.title_after)
                       for k in copies for p in people], person_keys)
            and fresh([_suffixed(g.name, name_tag(k), name_len["group"])
                       for k in copies for g in groups], group_names)
            and fresh([_suffixed(g.code, code_tag(k), name_len["code"])
                       for k in copies for g in groups], group_codes)
            and fresh([_suffixed(i.code, code_tag(k), name_len["indicator"])
                       for k in copies for i in indicators], indicator_codes)
        ):
            return name_tag, code_tag
    raise RuntimeError("no free suffix for the copies; names or codes too long")


def _models():
    """The multiplied models, by the key `counts()` reports them under."""
    from directory.models import GroupNeed, Membership, Organisation, Person, WorkingGroup
    from indicators.models import Indicator, IndicatorValue, IndicatorValuePart
    from meetings.models import (
        Attendance,
        Event,
        Meeting,
        MeetingDay,
        MembershipChange,
        MinutesItem,
        MinutesVersion,
        ProgrammeItem,
        Task,
    )
    from network.indicator_models import IndicatorValue as ServiceIndicatorValue
    from network.indicator_models import ServiceFunding
    from network.models import Service, ServiceVersion
    from projects.models import FundingSource, HalfYearReport, KeyActivity, Project

    return {
        "organisations": Organisation,
        "people": Person,
        "groups": WorkingGroup,
        "needs": GroupNeed,
        "memberships": Membership,
        "projects": Project,
        "funding sources": FundingSource,
        "key activities": KeyActivity,
        "half-year reports": HalfYearReport,
        "services": Service,
        "service versions": ServiceVersion,
        "service indicator values": ServiceIndicatorValue,
        "service funding": ServiceFunding,
        "indicators": Indicator,
        "indicator values": IndicatorValue,
        "value parts": IndicatorValuePart,
        "meetings": Meeting,
        "meeting days": MeetingDay,
        "programme items": ProgrammeItem,
        "attendance": Attendance,
        "minutes items": MinutesItem,
        "tasks": Task,
        "membership changes": MembershipChange,
        "minutes versions": MinutesVersion,
        "events": Event,
    }


def counts():
    """Row counts of the multiplied models, for reports."""
    return {name: model.objects.count() for name, model in _models().items()}


def _clone(obj, k, remap=None, **overrides):
    """An unsaved copy of `obj` for copy k: every concrete field as it is,
    foreign keys named in `remap` ({attname: {(k, old pk): new pk}}) pointing
    to copy k of their target, then `overrides`."""
    from django.db.models import FileField

    data = {}
    for f in obj._meta.concrete_fields:
        if not f.primary_key:
            value = getattr(obj, f.attname)
            data[f.attname] = value.name if isinstance(f, FileField) else value
    for attname, mapping in (remap or {}).items():
        value = data[attname]
        if value is not None:
            data[attname] = mapping[k, value]
    data.update(overrides)
    return type(obj)(**data)


def _bulk_copy(model, originals, copies, build):
    """bulk_create `build(k, original)` for every copy k and original; return
    {(k, original pk): copy pk}."""
    made = [build(k, o) for k in copies for o in originals]
    model.objects.bulk_create(made, batch_size=BATCH_SIZE)
    it = iter(made)
    return {(k, o.pk): next(it).pk for k in copies for o in originals}


def _copy_m2m(through, owner_field, owner_map, copies):
    """Copy the rows of an M2M through table: copy k of the owner gets the same
    targets (plans, measures: reference data, not copied)."""
    rows = list(through.objects.values())
    made = []
    for k in copies:
        for row in rows:
            data = {key: value for key, value in row.items() if key != "id"}
            data[owner_field] = owner_map[k, data[owner_field]]
            made.append(through(**data))
    through.objects.bulk_create(made, batch_size=BATCH_SIZE)


class _RegistrationNumbers:
    """Unique registration numbers in the programme's own format: the last
    seven digits (the project number) replaced by a free one, so the prefix
    with the call number stays as it is."""

    def __init__(self, taken):
        self._taken = set(taken)
        self._next = 9_000_000

    def __call__(self, project):
        import re

        match = re.fullmatch(r"(.*\D)(\d{7})", project.registration_number)
        if match is None:
            raise RuntimeError(f"cannot copy registration number "
                               f"{project.registration_number!r}: no 7-digit project number")
        while True:
            number = f"{match.group(1)}{self._next:07d}"
            self._next += 1
            if number not in self._taken:
                break
        self._taken.add(number)
        if not project.call.programme.matches(number):
            raise RuntimeError(f"copied registration number {number} does not match "
                               f"{project.call.programme.registration_number_pattern}")
        return number


def multiply(factor):
    """Add `factor - 1` suffixed copies of the data; return the number of rows
    created per model (the keys of `counts()`)."""
    from django.db import transaction

    factor = int(factor)
    if factor < 1:
        raise ValueError("factor must be at least 1")
    created = dict.fromkeys(_models(), 0)
    if factor == 1:
        return created
    copies = range(2, factor + 1)
    before = counts()
    with transaction.atomic():
        maps = _multiply_planning(copies)
        maps.update(_multiply_projects(copies, maps))
        maps.update(_multiply_indicators(copies, maps))
        _multiply_network(copies, maps)
        _multiply_meetings(copies, maps)
    after = counts()
    created.update({name: after[name] - before[name] for name in created})
    return created


def analyze():
    """Fresh planner statistics after a bulk load, as autovacuum would gather
    them in a deployment (it may be off, or not yet round, on a test server):
    otherwise the pages at 100x are planned with 1x statistics."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _multiply_planning(copies):
    """Organisations, people, working groups (their support areas and needs)
    and memberships. Sets the suffix makers used by the other apps' copies."""
    from directory.models import GroupNeed, Membership, Organisation, Person, WorkingGroup
    from indicators.models import Indicator

    organisations = list(Organisation.objects.order_by("pk"))
    people = list(Person.objects.order_by("pk"))
    groups = list(WorkingGroup.objects.order_by("pk"))
    area_links = list(
        WorkingGroup.support_areas.through.objects.values_list("workinggroup_id", "supportarea_id")
    )
    needs = list(GroupNeed.objects.order_by("pk"))
    memberships = list(Membership.objects.order_by("pk"))
    indicators = list(Indicator.objects.order_by("pk").only("pk", "code"))

    org_field = Organisation._meta.get_field
    person_field = Person._meta.get_field
    group_field = WorkingGroup._meta.get_field
    name_tag, code_tag = _free_tags(organisations, people, groups, indicators, copies)

    # Organisations.
    new_ico = _IcoSource(Organisation.objects.exclude(ico="").values_list("ico", flat=True))
    org_map = _bulk_copy(Organisation, organisations, copies, lambda k, org: Organisation(
        name=_suffixed(org.name, name_tag(k), org_field("name").max_length),
        short_name=_suffixed(
            org.short_name, code_tag(k), org_field("short_name").max_length
        ) if org.short_name else "",
        legal_form=org.legal_form,
        kind=org.kind,
        ico=new_ico() if org.ico else "",
        web=org.web,
        address=org.address,
        note=org.note,
    ))

    # People.
    person_map = _bulk_copy(Person, people, copies, lambda k, person: Person(
        title_before=person.title_before,
        given_name=person.given_name,
        family_name=_suffixed(
            person.family_name, name_tag(k), person_field("family_name").max_length
        ),
        title_after=person.title_after,
        organisation_id=org_map.get((k, person.organisation_id)),
        email=_email(person.email, k),
        phone=person.phone,
    ))

    # Working groups, their support areas and needs.
    group_map = _bulk_copy(WorkingGroup, groups, copies, lambda k, group: WorkingGroup(
        kind=group.kind,
        name=_suffixed(group.name, name_tag(k), group_field("name").max_length),
        code=_suffixed(group.code, code_tag(k), group_field("code").max_length),
        manager_id=person_map.get((k, group.manager_id)),
        contact_person_id=person_map.get((k, group.contact_person_id)),
        target_group_description=group.target_group_description,
        status=group.status,
    ))
    through = WorkingGroup.support_areas.through
    through.objects.bulk_create(
        [
            through(workinggroup_id=group_map[k, group_id], supportarea_id=area_id)
            for k in copies
            for group_id, area_id in area_links
        ],
        batch_size=BATCH_SIZE,
    )
    _bulk_copy(GroupNeed, needs, copies, lambda k, need: GroupNeed(
        group_id=group_map[k, need.group_id], position=need.position, text=need.text))

    # Memberships, history included.
    membership_map = _bulk_copy(Membership, memberships, copies, lambda k, m: Membership(
        body_id=group_map[k, m.body_id],
        organisation_id=org_map.get((k, m.organisation_id)),
        member_id=person_map.get((k, m.member_id)),
        substitute_id=person_map.get((k, m.substitute_id)),
        position=m.position,
        valid_from=m.valid_from,
        valid_to=m.valid_to,
        source=m.source,
    ))
    return {"org": org_map, "person": person_map, "group": group_map,
            "membership": membership_map, "name_tag": name_tag, "code_tag": code_tag}


def _multiply_projects(copies, maps):
    """Projects with their funding split, key activities, half-year reports and
    linked measures. Copy k is implemented by copy k of the organisation; its
    registration number keeps the programme's format and call, with a free
    project number. Programmes, calls and the measures are shared."""
    from projects.models import FundingSource, HalfYearReport, KeyActivity, Project

    name_tag = maps["name_tag"]
    projects = list(Project.objects.select_related("call__programme").order_by("pk"))
    title_len = Project._meta.get_field("title").max_length
    numbers = _RegistrationNumbers(Project.objects.values_list("registration_number", flat=True))
    project_map = _bulk_copy(Project, projects, copies, lambda k, p: _clone(
        p, k, {"implementer_id": maps["org"]},
        registration_number=numbers(p),
        title=_suffixed(p.title, name_tag(k), title_len),
    ))
    _copy_m2m(Project.measures.through, "project_id", project_map, copies)
    remap = {"project_id": project_map}
    for model in (FundingSource, KeyActivity):
        _bulk_copy(model, list(model.objects.order_by("pk")), copies,
                   lambda k, row: _clone(row, k, remap))
    report_map = _bulk_copy(HalfYearReport, list(HalfYearReport.objects.order_by("pk")), copies,
                            lambda k, row: _clone(row, k, remap))
    return {"project": project_map, "half_year_report": report_map}


def _multiply_indicators(copies, maps):
    """Indicators with their values and the values' parts. Copy k gets the code
    suffixed ("G05-2"), copy k of its responsible person and of its project;
    plans, specific goals and territories are shared, so the plan's report
    grows with the copies."""
    from indicators.models import Indicator, IndicatorValue, IndicatorValuePart
    from projects.models import HalfYearReportValue, ProjectIndicator

    name_tag, code_tag = maps["name_tag"], maps["code_tag"]
    field = Indicator._meta.get_field
    indicators = list(Indicator.objects.order_by("pk"))
    indicator_map = _bulk_copy(Indicator, indicators, copies, lambda k, i: _clone(
        i, k, {"responsible_id": maps["person"]},
        code=_suffixed(i.code, code_tag(k), field("code").max_length),
        # The slug is unique (the indicator's address): suffixed like the code.
        slug=_suffixed(i.slug, code_tag(k), field("slug").max_length),
        name=_suffixed(i.name, name_tag(k), field("name").max_length),
    ))
    _copy_m2m(Indicator.plans.through, "indicator_id", indicator_map, copies)
    value_map = _bulk_copy(
        IndicatorValue, list(IndicatorValue.objects.order_by("pk")), copies,
        lambda k, v: _clone(v, k, {"indicator_id": indicator_map}))
    _bulk_copy(IndicatorValuePart, list(IndicatorValuePart.objects.order_by("pk")), copies,
               lambda k, part: _clone(part, k, {"value_id": value_map}))
    _bulk_copy(ProjectIndicator, list(ProjectIndicator.objects.order_by("pk")), copies,
               lambda k, link: _clone(link, k, {"project_id": maps["project"],
                                                "indicator_id": indicator_map}))
    _bulk_copy(HalfYearReportValue, list(HalfYearReportValue.objects.order_by("pk")), copies,
               lambda k, link: _clone(link, k, {"report_id": maps["half_year_report"],
                                                "value_id": value_map}))
    return {"indicator": indicator_map}


def _multiply_network(copies, maps):
    """Services of the network with their versions (forms, target groups and
    support areas: reference data, not copied), their indicator values
    (the manual's indicators are reference data; the officers' questions are
    not copied) and their yearly funding. Copy k is provided by copy k of the
    organisation, under a free register identifier."""
    from network.indicator_models import IndicatorValue as ServiceIndicatorValue
    from network.indicator_models import ServiceFunding
    from network.models import Service, ServiceVersion, ServiceVersionForm

    services = list(Service.objects.order_by("pk"))
    taken = set(Service.objects.values_list("register_id", flat=True))
    free = (f"{n:07d}" for n in range(8_000_000, 10_000_000) if f"{n:07d}" not in taken)
    service_map = _bulk_copy(Service, services, copies, lambda k, s: _clone(
        s, k, {"provider_id": maps["org"]},
        register_id=next(free) if s.register_id else ""))
    versions = list(ServiceVersion.objects.order_by("pk"))
    version_map = _bulk_copy(ServiceVersion, versions, copies, lambda k, v: _clone(
        v, k, {"service_id": service_map}))
    _copy_m2m(ServiceVersion.target_groups.through, "serviceversion_id", version_map, copies)
    _copy_m2m(ServiceVersion.support_areas.through, "serviceversion_id", version_map, copies)
    forms = list(ServiceVersionForm.objects.order_by("pk"))
    _bulk_copy(ServiceVersionForm, forms, copies, lambda k, f: _clone(
        f, k, {"service_version_id": version_map}))
    # The disproportion check and the yearly evaluation read these: at 100x
    # they compare 100 times the services.
    values = list(ServiceIndicatorValue.objects.order_by("pk"))
    _bulk_copy(ServiceIndicatorValue, values, copies, lambda k, v: _clone(
        v, k, {"service_id": service_map}))
    funding = list(ServiceFunding.objects.order_by("pk"))
    _bulk_copy(ServiceFunding, funding, copies, lambda k, f: _clone(
        f, k, {"service_id": service_map}))


def _multiply_meetings(copies, maps):
    """Meetings (days, programme, attendance, minutes items, tasks, membership
    changes, versions) and events. Copy k of a meeting is held by copy k of the
    group, with copy k of the people and organisations, of its funding project
    and of its next meeting; copy k of an event has its title suffixed."""
    from meetings.models import (
        Attendance,
        Event,
        Meeting,
        MeetingDay,
        MembershipChange,
        MinutesItem,
        MinutesVersion,
        ProgrammeItem,
        Task,
    )

    name_tag = maps["name_tag"]
    person, org = maps["person"], maps["org"]
    meetings = list(Meeting.objects.order_by("pk"))
    meeting_map = _bulk_copy(Meeting, meetings, copies, lambda k, m: _clone(
        m, k, {"body_id": maps["group"], "funding_project_id": maps["project"],
               "recorded_by_id": person, "verified_by_id": person},
        next_meeting_id=None,  # one-to-one: set below, once every copy exists
    ))
    linked = [(k, m) for k in copies for m in meetings if m.next_meeting_id]
    Meeting.objects.bulk_update(
        [Meeting(pk=meeting_map[k, m.pk], next_meeting_id=meeting_map[k, m.next_meeting_id])
         for k, m in linked],
        ["next_meeting"], batch_size=BATCH_SIZE,
    )
    in_meeting = {"meeting_id": meeting_map}
    day_map = _bulk_copy(MeetingDay, list(MeetingDay.objects.order_by("pk")), copies,
                         lambda k, row: _clone(row, k, in_meeting))
    programme = list(ProgrammeItem.objects.order_by("pk"))
    programme_map = _bulk_copy(ProgrammeItem, programme, copies, lambda k, row: _clone(
        row, k, {**in_meeting, "day_id": day_map, "presenter_id": person}, parent_id=None))
    ProgrammeItem.objects.bulk_update(
        [ProgrammeItem(pk=programme_map[k, row.pk], parent_id=programme_map[k, row.parent_id])
         for k in copies for row in programme if row.parent_id],
        ["parent"], batch_size=BATCH_SIZE,
    )
    _bulk_copy(Attendance, list(Attendance.objects.order_by("pk")), copies,
               lambda k, row: _clone(row, k, {**in_meeting, "person_id": person,
                                              "organisation_id": org}))
    item_map = _bulk_copy(MinutesItem, list(MinutesItem.objects.order_by("pk")), copies,
                          lambda k, row: _clone(row, k, in_meeting))
    _bulk_copy(Task, list(Task.objects.order_by("pk")), copies, lambda k, row: _clone(
        row, k, {**in_meeting, "item_id": item_map, "owner_person_id": person,
                 "owner_organisation_id": org, "closed_at_meeting_id": meeting_map}))
    _bulk_copy(MembershipChange, list(MembershipChange.objects.order_by("pk")), copies,
               lambda k, row: _clone(row, k, {
                   **in_meeting, "item_id": item_map, "organisation_id": org,
                   "member_id": person, "substitute_id": person,
                   "membership_id": maps["membership"]}))
    _bulk_copy(MinutesVersion, list(MinutesVersion.objects.order_by("pk")), copies,
               lambda k, row: _clone(row, k, in_meeting))
    title_len = Event._meta.get_field("title").max_length
    _bulk_copy(Event, list(Event.objects.order_by("pk")), copies, lambda k, e: _clone(
        e, k, title=_suffixed(e.title, name_tag(k), title_len)))


def create_base_set(groups=4, members_per_group=4):
    """A small, self-contained planning data set made with the test factories:
    a city body, 3 support areas, and `groups` working groups, each with a
    manager (from an NGO) and a contact person (from the city), 3 needs,
    `members_per_group` current seats (organisation with a member and a
    substitute from its staff) and one ended seat. Used when seed_demo is not
    available, and by the query-count tests (few enough rows to fit on one
    list page, so that an N+1 shows as a different count at 100x)."""
    import datetime

    from directory.models import GroupNeed, OrganisationKind, SupportArea
    from tests.directory.factories import (
        MembershipFactory,
        OrganisationFactory,
        PersonFactory,
        WorkingGroupFactory,
    )

    start = (SupportArea.objects.order_by("-position").values_list("position", flat=True)
             .first() or 0) + 1
    areas = SupportArea.objects.bulk_create(
        [SupportArea(numeral=f"Z{start + i}", position=start + i,
                     name=f"Oblast podpory {start + i}") for i in range(3)]
    )
    city = OrganisationFactory(kind=OrganisationKind.CITY_BODY, legal_form="")
    made = []
    for g in range(groups):
        group = WorkingGroupFactory(
            manager=PersonFactory(organisation=OrganisationFactory()),
            contact_person=PersonFactory(organisation=city),
        )
        group.support_areas.set(areas[: 1 + g % len(areas)])
        GroupNeed.objects.bulk_create(
            [GroupNeed(group=group, position=i, text=f"Potřeba {i}") for i in range(1, 4)]
        )
        for _ in range(members_per_group):
            org = OrganisationFactory()
            MembershipFactory(
                body=group, organisation=org,
                member=PersonFactory(organisation=org),
                substitute=PersonFactory(organisation=org),
                valid_from=datetime.date(2023, 1, 1),
            )
        MembershipFactory(
            body=group,
            organisation=OrganisationFactory(),
            member=None,
            substitute=None,
            valid_from=datetime.date(2021, 1, 1),
            valid_to=datetime.date(2022, 12, 31),
            source="Zápis z jednání 12/2022",
        )
        made.append(group)
    return made


def has_seed_demo():
    from django.core.management import get_commands

    return "seed_demo" in get_commands()


def load_base(stdout=None):
    """Fill an empty database: `seed_demo` when the project has it, else (or
    when it fails) the factory-made base set. Returns which one was used."""
    import io

    from django.core.management import call_command

    if has_seed_demo():
        try:
            call_command("seed_demo", "--without-accounts", verbosity=0,
                         stdout=stdout or io.StringIO())
        except Exception as exc:  # noqa: BLE001 - a broken seed must not stop the bench
            print(f"WARNING: seed_demo failed ({exc!r}); using the factory base set instead")
        else:
            return "seed_demo"
    create_base_set()
    return "factories"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("factor", type=int, help="multiply the data by this (e.g. 100)")
    parser.add_argument("--seed", action="store_true",
                        help="load seed_demo (or the factory base set) first if the DB is empty")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from directory.models import Organisation, WorkingGroup

    if args.seed and not (Organisation.objects.exists() or WorkingGroup.objects.exists()):
        print(f"base data loaded with {load_base()}")
    before = counts()
    started = time.perf_counter()
    created = multiply(args.factor)
    analyze()
    elapsed = time.perf_counter() - started
    after = counts()
    for name in before:
        print(f"{name:>14}: {before[name]:>7} -> {after[name]:>7} (+{created[name]})")
    print(f"multiplied by {args.factor} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
