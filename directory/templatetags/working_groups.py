"""Template tags of the directory for pages of the apps below it: the account
page lists the user's groups and the home page counts groups and
organisations, which accounts and core, knowing no other app, do not read
themselves."""

from django import template

from ..models import Organisation, WorkingGroup
from ..permissions import contact_group_ids, managed_group_ids, member_group_ids

register = template.Library()


@register.simple_tag
def groups_of(user):
    """The working groups the user manages, is the contact person of, and
    belongs to: {"managed": ..., "contact": ..., "member": ...}."""
    return {
        "managed": WorkingGroup.objects.filter(pk__in=managed_group_ids(user)),
        "contact": WorkingGroup.objects.filter(pk__in=contact_group_ids(user)),
        "member": WorkingGroup.objects.filter(pk__in=member_group_ids(user)),
    }


@register.simple_tag
def directory_counts():
    """{"groups": active working groups and bodies, "organisations": ...}."""
    return {"groups": WorkingGroup.objects.active().count(),
            "organisations": Organisation.objects.count()}
