"""Each rule is written once (core.rules) and answers in two ways: the
object check and the queryset filter. For every role and every object they
agree, and a rule on an object's own fields asks no query for an object
already fetched."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from core import rules
from meetings import permissions as meeting_rules
from meetings.models import MeetingStatus, MinutesStatus
from projects import permissions as project_rules
from projects.models import Project
from tests.meetings.factories import MeetingFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

MEETING_RULES = ["can_view_meeting", "can_view_minutes", "can_view_meeting_internals",
                 "can_edit_meeting", "can_submit_minutes", "can_verify_minutes",
                 "can_amend_minutes"]


def _users(users_by_role):
    return {**users_by_role, "anonymous": AnonymousUser()}


def _agree(rule, users, queryset):
    for (role, user), obj in itertools.product(users.items(), queryset):
        filtered = set(rule.filter(user, queryset.model.objects.all())
                       .values_list("pk", flat=True))
        assert rule.allows(user, obj) == (obj.pk in filtered), (role, obj)


def test_project_rules_agree_with_their_filters(users_by_role, organisation_x):
    ProjectFactory(is_published=True)
    ProjectFactory(is_published=False)
    ProjectFactory(is_published=False, implementer=organisation_x)
    for rule in (project_rules.can_view_project, project_rules.can_submit_project_report):
        _agree(rule, _users(users_by_role), Project.objects.all())


def test_meeting_rules_agree_with_their_filters(users_by_role, group_a, group_b):
    meetings = [
        MeetingFactory(body=body, status=status, minutes_status=minutes, amendment_open=amend)
        for body in (group_a, group_b)
        for status, minutes, amend in [
            (MeetingStatus.PLANNED, MinutesStatus.DRAFT, False),
            (MeetingStatus.HELD, MinutesStatus.DRAFT, False),
            (MeetingStatus.HELD, MinutesStatus.SUBMITTED, False),
            (MeetingStatus.HELD, MinutesStatus.PUBLISHED, False),
            (MeetingStatus.HELD, MinutesStatus.PUBLISHED, True),
        ]]
    model = type(meetings[0])
    for name in MEETING_RULES:
        _agree(getattr(meeting_rules, name), _users(users_by_role), model.objects.all())


def test_an_object_already_fetched_is_checked_without_a_query(
        implementer_x, organisation_x, django_assert_num_queries):
    project = ProjectFactory(is_published=False, implementer=organisation_x)
    meeting = MeetingFactory()
    with django_assert_num_queries(0):
        assert project_rules.can_view_project(implementer_x, project)
        assert not project_rules.can_view_project(AnonymousUser(), project)
        assert not meeting_rules.can_view_minutes(AnonymousUser(), meeting)


def test_templates_ask_every_rule_by_name():
    names = rules.registered()
    for name in ("view_project", "edit_project", "view_indicator", "report_indicator",
                 "view_meeting", "amend_minutes", "view_report", "edit_working_group",
                 "view_plan"):
        assert name in names
    with pytest.raises(ValueError):
        rules.register(view_project=lambda user, obj: True)
