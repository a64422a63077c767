"""{% plan_measure node %} (planning/templatetags/plan_tree.py) prints a
measure of the plan's page exactly as the include of
planning/plans/_measure.html does: codes, escaping, a badge, one and several
implementers, implementers as text, activity, service, period, working groups,
cross-cutting priority, year summaries with and without a title, measures
nested under a measure; in Czech and in English."""

import pytest
from django.template import Context, Template
from django.utils.translation import override

from planning.models import ActivityType, ItemYearSummary, PlanItem, ServiceType
from planning.selectors import Node, plan_tree_items
from planning.views.public import decorate
from tests.directory.factories import OrganisationFactory, WorkingGroupFactory
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


def test_the_tag_prints_a_measure_as_the_template_does():
    plan = PlanFactory()
    first = PlanItemFactory.measure(
        plan, implementers=[OrganisationFactory(name="A & B <o. p. s.>"),
                            OrganisationFactory(name="Charita")],
        working_groups=[WorkingGroupFactory(code="ps-senior")],
        activity_type=ActivityType.values[1], service_type=ServiceType.values[1],
        cross_cutting_priority=True, period_text="2023 – 2025")
    second = PlanItemFactory(plan=plan, parent=first.parent, code="1.1.1.2 <x>",
                             title="Druhé & <b>tučné</b>", implementers_text="Město & kraj",
                             level=first.level)
    third = PlanItemFactory(plan=plan, parent=first.parent, code="", title="Bez kódu",
                            level=first.level, ongoing=True)
    ItemYearSummary.objects.create(item=first, year=2023, title="", text="<p>Text</p>")
    ItemYearSummary.objects.create(item=second, year=2024, title="Shrnutí & <2024>",
                                   text="<p>Jiný <b>text</b></p>")
    items = {item.pk: item for item in decorate(list(plan_tree_items(plan)))}
    for item in items.values():
        item.detail_url = f"/plans/{plan.code}/items/{item.pk}/"
    tree = Node(items[first.pk], [Node(items[second.pk], [Node(items[third.pk])]),
                                  Node(items[third.pk])])
    assert all(isinstance(node.item, PlanItem) for node in tree.walk())
    for language in ("cs", "en"):
        with override(language):
            context = {"node": tree}
            reference = Template('{% include "planning/plans/_measure.html" %}').render(
                Context(context))
            printed = Template("{% load plan_tree %}{% plan_measure node %}").render(
                Context(context))
            assert printed == reference
    assert "A &amp; B &lt;o. p. s.&gt;" in printed and "Shrnutí &amp; &lt;2024&gt;" in printed
    for part in ('class="measure-list nested"', ">ps-senior</a>", "<p>Jiný <b>text</b></p>",
                 "Implementers", "Cross-cutting priority", "status-badge", "<dt>Period</dt>"):
        assert part in printed, part
