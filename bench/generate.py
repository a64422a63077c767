"""Multiply the planning data in the database by N, for benchmarks and for the
query-count tests.

`multiply(factor)` takes whatever organisations, people, working groups (with
their support areas and needs) and memberships are in the database - normally
what `manage.py seed_demo` loaded - and adds `factor - 1` copies of all of it,
with suffixed unique names and codes. Copy k links only to copy k: copy 7 of a
group has copy 7 of its manager, of its member organisations and of their
members, so every copied page has the same shape as the original. Support
areas are reference data and are shared, not copied. Everything goes in with
bulk_create inside one transaction: 100x the demo data takes seconds.

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
        from planning.validators import ico_check_digit

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


def _free_tags(organisations, people, groups, copies):
    """Suffix makers for copy k: " (k)" and "-k" on the first multiplication;
    " (r.k)" and "-r-k" with the first round r that collides with nothing, when
    the data was multiplied before."""
    from planning.models import Organisation, Person, WorkingGroup

    org_names = set(Organisation.objects.values_list("name", flat=True))
    person_keys = set(Person.objects.values_list(
        "title_before", "given_name", "family_name", "title_after"))
    group_names = set(WorkingGroup.objects.values_list("name", flat=True))
    group_codes = set(WorkingGroup.objects.values_list("code", flat=True))
    name_len = {
        "org": Organisation._meta.get_field("name").max_length,
        "person": Person._meta.get_field("family_name").max_length,
        "group": WorkingGroup._meta.get_field("name").max_length,
        "code": WorkingGroup._meta.get_field("code").max_length,
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
        ):
            return name_tag, code_tag
    raise RuntimeError("no free suffix for the copies; names or codes too long")


def counts():
    """Row counts of the multiplied models, for reports."""
    from planning.models import GroupNeed, Membership, Organisation, Person, WorkingGroup

    return {
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "groups": WorkingGroup.objects.count(),
        "needs": GroupNeed.objects.count(),
        "memberships": Membership.objects.count(),
    }


def multiply(factor):
    """Add `factor - 1` suffixed copies of the planning data; return the number
    of rows created per model."""
    from django.db import transaction

    from planning.models import GroupNeed, Membership, Organisation, Person, WorkingGroup

    factor = int(factor)
    if factor < 1:
        raise ValueError("factor must be at least 1")
    created = dict.fromkeys(("organisations", "people", "groups", "needs", "memberships"), 0)
    if factor == 1:
        return created
    copies = range(2, factor + 1)

    organisations = list(Organisation.objects.order_by("pk"))
    people = list(Person.objects.order_by("pk"))
    groups = list(WorkingGroup.objects.order_by("pk"))
    area_links = list(
        WorkingGroup.support_areas.through.objects.values_list("workinggroup_id", "supportarea_id")
    )
    needs = list(GroupNeed.objects.order_by("pk"))
    memberships = list(Membership.objects.order_by("pk"))

    org_field = Organisation._meta.get_field
    person_field = Person._meta.get_field
    group_field = WorkingGroup._meta.get_field
    name_tag, code_tag = _free_tags(organisations, people, groups, copies)

    with transaction.atomic():
        # Organisations.
        new_ico = _IcoSource(
            Organisation.objects.exclude(ico="").values_list("ico", flat=True)
        )
        org_copies = []
        for k in copies:
            for org in organisations:
                org_copies.append(
                    Organisation(
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
                    )
                )
        Organisation.objects.bulk_create(org_copies, batch_size=BATCH_SIZE)
        org_map = {}
        it = iter(org_copies)
        for k in copies:
            for org in organisations:
                org_map[k, org.pk] = next(it).pk

        # People.
        person_copies = []
        for k in copies:
            for person in people:
                person_copies.append(
                    Person(
                        title_before=person.title_before,
                        given_name=person.given_name,
                        family_name=_suffixed(
                            person.family_name, name_tag(k), person_field("family_name").max_length
                        ),
                        title_after=person.title_after,
                        organisation_id=org_map.get((k, person.organisation_id)),
                        email=_email(person.email, k),
                        phone=person.phone,
                    )
                )
        Person.objects.bulk_create(person_copies, batch_size=BATCH_SIZE)
        person_map = {}
        it = iter(person_copies)
        for k in copies:
            for person in people:
                person_map[k, person.pk] = next(it).pk

        # Working groups, their support areas and needs.
        group_copies = []
        for k in copies:
            for group in groups:
                group_copies.append(
                    WorkingGroup(
                        kind=group.kind,
                        name=_suffixed(group.name, name_tag(k), group_field("name").max_length),
                        code=_suffixed(group.code, code_tag(k), group_field("code").max_length),
                        manager_id=person_map.get((k, group.manager_id)),
                        contact_person_id=person_map.get((k, group.contact_person_id)),
                        target_group_description=group.target_group_description,
                        status=group.status,
                    )
                )
        WorkingGroup.objects.bulk_create(group_copies, batch_size=BATCH_SIZE)
        group_map = {}
        it = iter(group_copies)
        for k in copies:
            for group in groups:
                group_map[k, group.pk] = next(it).pk

        through = WorkingGroup.support_areas.through
        through.objects.bulk_create(
            [
                through(workinggroup_id=group_map[k, group_id], supportarea_id=area_id)
                for k in copies
                for group_id, area_id in area_links
            ],
            batch_size=BATCH_SIZE,
        )
        need_copies = [
            GroupNeed(group_id=group_map[k, need.group_id], position=need.position, text=need.text)
            for k in copies
            for need in needs
        ]
        GroupNeed.objects.bulk_create(need_copies, batch_size=BATCH_SIZE)

        # Memberships, history included.
        membership_copies = [
            Membership(
                body_id=group_map[k, m.body_id],
                organisation_id=org_map.get((k, m.organisation_id)),
                member_id=person_map.get((k, m.member_id)),
                substitute_id=person_map.get((k, m.substitute_id)),
                position=m.position,
                valid_from=m.valid_from,
                valid_to=m.valid_to,
                source=m.source,
            )
            for k in copies
            for m in memberships
        ]
        Membership.objects.bulk_create(membership_copies, batch_size=BATCH_SIZE)

    created.update(
        organisations=len(org_copies),
        people=len(person_copies),
        groups=len(group_copies),
        needs=len(need_copies),
        memberships=len(membership_copies),
    )
    return created


def create_base_set(groups=4, members_per_group=4):
    """A small, self-contained planning data set made with the test factories:
    a city body, 3 support areas, and `groups` working groups, each with a
    manager (from an NGO) and a contact person (from the city), 3 needs,
    `members_per_group` current seats (organisation with a member and a
    substitute from its staff) and one ended seat. Used when seed_demo is not
    available, and by the query-count tests (few enough rows to fit on one
    list page, so that an N+1 shows as a different count at 100x)."""
    import datetime

    from planning.models import GroupNeed, OrganisationKind, SupportArea
    from tests.planning.factories import (
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
    from planning.models import Organisation, WorkingGroup

    if args.seed and not (Organisation.objects.exists() or WorkingGroup.objects.exists()):
        print(f"base data loaded with {load_base()}")
    before = counts()
    started = time.perf_counter()
    created = multiply(args.factor)
    elapsed = time.perf_counter() - started
    after = counts()
    for name in before:
        print(f"{name:>14}: {before[name]:>7} -> {after[name]:>7} (+{created[name]})")
    print(f"multiplied by {args.factor} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
