"""Reads for the directory pages and datasets. Each returns a QuerySet whose number
of SQL queries does not grow with the number of rows."""

from django.db.models import Prefetch
from django.utils import timezone

from .models import (
    GroupNeed,
    Membership,
    Organisation,
    Person,
    WorkingGroup,
)


def organisation_list():
    return Organisation.objects.with_member_group_count().order_by("name")


def person_list():
    return Person.objects.select_related("organisation")


def working_group_list():
    return (
        WorkingGroup.objects.select_related("manager", "contact_person")
        .prefetch_related("support_areas")
        .with_current_member_count()
        .order_by("kind", "name")
    )


def working_group_detail():
    return WorkingGroup.objects.select_related("manager", "contact_person").prefetch_related(
        "support_areas",
        Prefetch("needs", queryset=GroupNeed.objects.order_by("position")),
    )


def group_memberships(group):
    """All seats of a group, current first, then history (newest end first)."""
    return (
        Membership.objects.filter(body=group)
        .select_related("organisation", "member", "substitute")
        .order_by("valid_to", "organisation__name", "member__family_name", "-valid_from")
    )


def split_memberships(memberships, on=None):
    on = on or timezone.localdate()
    current, history = [], []
    for m in memberships:
        ended = m.valid_to is not None and m.valid_to <= on
        (history if ended else current).append(m)
    history.sort(key=lambda m: m.valid_to, reverse=True)
    return current, history
