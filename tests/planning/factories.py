import factory

from planning.models import (
    BodyKind,
    LevelRole,
    MeasureStatus,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Plan,
    PlanItem,
    PlanItemImplementer,
    PlanKind,
    PlanLevel,
    PlanStatus,
    SupportArea,
    WorkingGroup,
)


class SupportAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportArea
        django_get_or_create = ("numeral",)

    position = factory.Sequence(lambda n: n + 100)
    numeral = factory.Sequence(lambda n: f"X{n}")
    name = factory.Sequence(lambda n: f"Oblast podpory {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organizace {n}, z.s.")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    legal_form = "z.s."
    kind = OrganisationKind.NGO


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    title_before = "Mgr."
    given_name = factory.Sequence(lambda n: f"Jana{n}")
    family_name = factory.Sequence(lambda n: f"Nováková{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.LazyAttribute(lambda p: f"{p.given_name.lower()}@example.org")


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    kind = BodyKind.WORKING_GROUP
    name = factory.Sequence(lambda n: f"Pracovní skupina {n}")
    code = factory.Sequence(lambda n: f"PS{n}")
    manager = factory.SubFactory(PersonFactory)
    contact_person = factory.SubFactory(PersonFactory)
    target_group_description = "Popis cílové skupiny."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(WorkingGroupFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    member = factory.SubFactory(PersonFactory)
    substitute = factory.SubFactory(PersonFactory)


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan with the four PSZ levels."""

    class Meta:
        model = Plan
        skip_postgeneration_save = True

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
