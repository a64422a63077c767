"""Who may request, publish and read reports. Each rule is written once and
serves both the object check and the queryset filter."""

from django.db.models import Q

from accounts.permissions import is_city_officer
from core import rules


def can_manage_reports(user):
    """Requesting, publishing and scheduling reports, the glossary and the
    evaluation texts: officers."""
    return is_city_officer(user)


@rules.rule()
def can_view_report(user):
    """A published report is public; an unpublished one only for officers
    (others get 404, so it does not leak)."""
    return rules.ALL if is_city_officer(user) else Q(published_at__isnull=False)


def register():
    rules.register(manage_reports=can_manage_reports, view_report=can_view_report)
