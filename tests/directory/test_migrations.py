"""A database migrated before the directory left `planning` keeps every row, every link and
every audit entry after `migrate` moves the models to `directory`."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from core.models import AuditEntry
from directory.models import GroupNeed, Membership, Organisation, Person, SupportArea, WorkingGroup
from planning.models import Plan, PlanItem, PlanItemImplementer

# The last migration of each app before the move; `None` unapplies the app entirely.
BEFORE = [
    ("directory", None),
    ("planning", "0004_plan_source_notes"),
    ("accounts", "0001_initial"),
    ("core", "0002_audit_snapshot"),
    ("indicators", "0001_initial"),
    ("meetings", "0003_funding_project"),
    ("projects", "0001_initial"),
    ("reports", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _rows_before_the_move(apps):
    """Rows written through the models as they were before the move (historical models)."""
    get = apps.get_model
    area = get("planning", "SupportArea").objects.create(numeral="X.", position=90,
                                                         name="Oblast z dřívějška")
    org = get("planning", "Organisation").objects.create(name="Stará organizace, z.s.",
                                                         ico="00845451")
    person = get("planning", "Person").objects.create(given_name="Jana", family_name="Stará",
                                                      organisation=org)
    group = get("planning", "WorkingGroup").objects.create(name="Stará skupina", code="STA",
                                                           manager=person, contact_person=person)
    group.support_areas.add(area)
    get("planning", "GroupNeed").objects.create(group=group, position=1, text="Bydlení")
    seat = get("planning", "Membership").objects.create(
        body=group, organisation=org, member=person, valid_from=datetime.date(2024, 1, 16),
        source="zápis 1/2024",
    )
    plan = get("planning", "Plan").objects.create(kind="psz", title="Starý plán", code="stary",
                                                  period_start=2022, status="draft",
                                                  working_group=group)
    level = get("planning", "PlanLevel").objects.create(plan=plan, depth=1, name="Opatření",
                                                        role="measure")
    item = get("planning", "PlanItem").objects.create(plan=plan, level=level, code="1",
                                                      title="Opatření")
    item.working_groups.add(group)
    get("planning", "PlanItemImplementer").objects.create(item=item, organisation=org,
                                                          position=0)
    user = get("accounts", "User").objects.create(username="stara", person=person,
                                                  implementer_organisation=org)
    org_type = get("contenttypes", "ContentType").objects.get_or_create(
        app_label="planning", model="organisation")[0]
    entry = get("core", "AuditEntry").objects.create(
        actor=user, action="create", content_type=org_type, object_id=str(org.pk),
        object_repr=org.name,
    )
    # A `migrate` run by code that already knew the directory may have created its content
    # type for groups beside the old one; an audit entry points at that newer row.
    get("contenttypes", "ContentType").objects.get_or_create(app_label="planning",
                                                             model="workinggroup")
    fresh_type = get("contenttypes", "ContentType").objects.get_or_create(
        app_label="directory", model="workinggroup")[0]
    get("auth", "Permission").objects.get_or_create(
        content_type=fresh_type, codename="change_workinggroup",
        defaults={"name": "Can change working group"})
    log = get("core", "AuditEntry").objects.create(
        actor=user, action="update", content_type=fresh_type, object_id=str(group.pk),
        object_repr=group.name,
    )
    return {"area": area.pk, "org": org.pk, "person": person.pk, "group": group.pk,
            "seat": seat.pk, "plan": plan.pk, "item": item.pk, "user": user.pk,
            "entry": entry.pk, "log": log.pk}


# Applies every app's migrations to a database migrated back: `make test` runs it,
# `make test-fast` leaves it out (marker `slow`, README).
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_of_the_old_layout_keeps_every_row(migrated_to):
    pks = _rows_before_the_move(migrated_to(BEFORE))
    _migrate(_latest())
    ContentType.objects.clear_cache()

    org = Organisation.objects.get(pk=pks["org"])
    assert (org.name, org.ico) == ("Stará organizace, z.s.", "00845451")
    person = Person.objects.get(pk=pks["person"])
    assert (person.family_name, person.organisation) == ("Stará", org)
    group = WorkingGroup.objects.get(pk=pks["group"])
    assert (group.code, group.manager, group.contact_person) == ("STA", person, person)
    assert list(group.support_areas.all()) == [SupportArea.objects.get(pk=pks["area"])]
    assert list(GroupNeed.objects.filter(group=group).values_list("text", flat=True)) == [
        "Bydlení"]
    seat = Membership.objects.get(pk=pks["seat"])
    assert (seat.body, seat.organisation, seat.member) == (group, org, person)
    assert (seat.valid_from, seat.source) == (datetime.date(2024, 1, 16), "zápis 1/2024")

    assert Plan.objects.get(pk=pks["plan"]).working_group == group
    item = PlanItem.objects.get(pk=pks["item"])
    assert list(item.working_groups.all()) == [group]
    assert list(item.implementers.all()) == [org]
    assert PlanItemImplementer.objects.get(item=item).organisation == org
    user = User.objects.get(pk=pks["user"])
    assert (user.person, user.implementer_organisation) == (person, org)

    entry = AuditEntry.objects.get(pk=pks["entry"])
    assert (entry.content_type.app_label, entry.content_type.model) == ("directory",
                                                                        "organisation")
    assert entry.content_type.model_class() is Organisation
    assert entry.content_type == ContentType.objects.get_for_model(Organisation)
    assert entry.actor == user
    group_type = ContentType.objects.get_for_model(WorkingGroup)
    assert AuditEntry.objects.get(pk=pks["log"]).content_type == group_type
    assert Permission.objects.filter(content_type=group_type,
                                     codename="change_workinggroup").count() == 1
    assert not ContentType.objects.filter(app_label="planning", model__in=[
        "supportarea", "organisation", "person", "workinggroup", "groupneed", "membership",
    ]).exists()

    # New rows get ids after the old ones: the sequences came along with the tables.
    assert Organisation.objects.create(name="Nová organizace").pk > org.pk
    assert Membership.objects.create(body=group, member=person).pk > seat.pk
