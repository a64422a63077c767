from datetime import date
from decimal import Decimal

import factory

from indicators.codes import code_sort_key
from indicators.models import (
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorValue,
    PeriodKind,
    Territory,
    Unit,
)
from projects.models import ProjectIndicator
from tests.planning.factories import PlanFactory, PlanItemFactory


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("code",)

    code = "ostrava"
    name = "Ostrava"
    short_name = "Ostrava"


def ostrava():
    return TerritoryFactory()


def region():
    return TerritoryFactory(code="msk", name="Moravskoslezský kraj", short_name="MSK")


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A global indicator of a published plan."""

    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:03d}")
    slug = factory.LazyAttribute(lambda o: o.code)
    sort_key = factory.LazyAttribute(lambda o: code_sort_key(o.code))
    name = factory.Sequence(lambda n: f"Indikátor {n}")
    kind = IndicatorKind.GLOBAL
    unit = Unit.COUNT
    home_territory = factory.LazyFunction(ostrava)

    @classmethod
    def _create(cls, model_class, *args, target_kind="", target_value=None, target_year=None,
                target_due=None, target_text="", **kwargs):
        """`target_*=`: one milestone, the way an indicator had one target."""
        indicator = super()._create(model_class, *args, **kwargs)
        if target_kind:
            IndicatorTarget.objects.create(
                indicator=indicator, position=1, kind=target_kind, value=target_value,
                year=target_year, due=target_due, text=target_text)
        return indicator

    @factory.post_generation
    def plans(self, create, extracted, **kwargs):
        if not create:
            return
        self.plans.set(extracted if extracted is not None else [PlanFactory()])

    @factory.post_generation
    def project(self, create, extracted, **kwargs):
        """`project=`: the project of a project indicator (kept by projects)."""
        if create and extracted is not None:
            ProjectIndicator.objects.create(project=extracted, indicator=self)

    @classmethod
    def impact(cls, specific_goal, **kwargs):
        return cls(kind=IndicatorKind.IMPACT, plan_item=specific_goal,
                   plans=[specific_goal.plan], **kwargs)

    @classmethod
    def for_measure(cls, measure, **kwargs):
        """An impact indicator of the specific goal above `measure`."""
        return cls.impact(measure.parent, **kwargs)


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    territory = factory.LazyAttribute(lambda o: o.indicator.home_territory)
    period_kind = PeriodKind.YEAR
    period_start = factory.Sequence(lambda n: date(2000 + n % 90, 1, 1))
    period_end = factory.LazyAttribute(lambda o: date(o.period_start.year, 12, 31))
    period_text = factory.LazyAttribute(lambda o: str(o.period_start.year))
    value = Decimal("10")


def year_value(indicator, year, value, *, territory=None, **kwargs):
    return IndicatorValueFactory(
        indicator=indicator, territory=territory or indicator.home_territory,
        period_start=date(year, 1, 1), period_end=date(year, 12, 31), period_text=str(year),
        value=None if value is None else Decimal(str(value)), **kwargs)


__all__ = ["IndicatorFactory", "IndicatorValueFactory", "TerritoryFactory", "PlanItemFactory",
           "ostrava", "region", "year_value"]
