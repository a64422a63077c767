import factory

from planning.models import (
    LevelRole,
    MeasureStatus,
    Plan,
    PlanItem,
    PlanItemImplementer,
    PlanKind,
    PlanLevel,
    PlanStatus,
)
from tests.directory.factories import the_city


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan with the four PSZ levels."""

    class Meta:
        model = Plan
        skip_postgeneration_save = True

    city = factory.LazyFunction(the_city)
    kind = PlanKind.SOCIAL_INCLUSION_PLAN
    title = factory.Sequence(lambda n: f"Plán sociálního začleňování {n}")
    code = factory.Sequence(lambda n: f"plan-{n}")
    period_start = 2022
    period_end = 2027
    status = PlanStatus.IN_FORCE

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        if not create:
            return
        names = extracted or [
            ("Tematická oblast", LevelRole.AREA),
            ("Strategický cíl", LevelRole.GOAL),
            ("Specifický cíl", LevelRole.SPECIFIC_GOAL),
            ("Opatření", LevelRole.MEASURE),
        ]
        for depth, (name, role) in enumerate(names, start=1):
            PlanLevel.objects.create(plan=self, depth=depth, name=name, role=role)


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(PlanFactory)
    parent = None
    level = factory.LazyAttribute(
        lambda o: o.plan.levels.get(depth=1 if o.parent is None else o.parent.level.depth + 1)
    )
    position = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"{n + 1}")
    title = factory.Sequence(lambda n: f"Položka plánu {n}")

    @classmethod
    def measure(cls, plan, implementers=(), working_groups=(), **kwargs):
        """A measure with its three ancestors (area, goal, specific goal)."""
        area = cls(plan=plan, code="1", title=f"Oblast {plan.code}")
        goal = cls(plan=plan, parent=area, code="1.1", title=f"Cíl {plan.code}")
        specific = cls(plan=plan, parent=goal, code="1.1.1", title=f"Specifický {plan.code}",
                       target_text="Do roku 2025 …", target_year=2025)
        item = cls(plan=plan, parent=specific, code="1.1.1.1", title=f"Opatření {plan.code}",
                   status=MeasureStatus.IN_PROGRESS, reports_done=1, reports_total=6, **kwargs)
        for position, org in enumerate(implementers):
            PlanItemImplementer.objects.create(item=item, organisation=org, position=position)
        item.working_groups.set(working_groups)
        return item
