"""Demo data of the reporting rounds, loaded by `manage.py seed_demo`: one
closed and one open half-year round over the first plan whose impact
indicators have implementers, with a few values in each review state; the open
one also asks the network's services for their indicators, and one service has
submitted its values. The
rounds and the values are invented for the demo (ILLUSTRATIVE, in their
titles and notes); who owes what is derived from the plan as published.

The published figures stay as published: the closed round's approved values
(public) are of 2022 and go only to indicators with a later published value,
so no latest value, status or evaluation changes; the open round's values
are drafts, submitted or returned, which nobody but officers and the
implementer sees. A round that exists already is left as it is (idempotent)."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef

from core.seeding import CREATED, UNCHANGED, _say
from indicators import services as indicator_services
from indicators.models import IndicatorKind, IndicatorValue
from network import indicator_services as service_values
from network.indicator_selectors import indicators_for_service, manual_for
from planning.models import Plan

from . import services
from .models import ObligationKind, ReportingRound

ILLUSTRATIVE = "ilustrativní"
NOTE = "Ilustrativní hodnota vymyšlená pro ukázku schvalování, ne publikovaný údaj."
# (title, period text, start, end, deadline, the review states of its first values,
# whether the network's services report their indicators in it)
CLOSED = ("Pololetí 1/2022 (ilustrativní)", "1. pol. 2022", date(2022, 1, 1),
          date(2022, 6, 30), date(2022, 7, 31), ("approved", "approved"), False)
OPEN = ("Pololetí 2/2026 (ilustrativní)", "2. pol. 2026", date(2026, 7, 1),
        date(2026, 12, 31), date(2027, 1, 31), ("submitted", "returned", "draft"), True)


class _DemoImplementer(AnonymousUser):
    """The demo's implementers report through the services an implementer's
    pages call (their values wait for approval); no demo account is needed,
    and the audit entries name nobody."""


def _plan():
    return (Plan.objects.filter(items__indicators__kind=IndicatorKind.IMPACT,
                                items__children__implementer_links__isnull=False)
            .order_by("code").first())


def _report_values(round_, period_text, states):
    obligations = (round_.obligations.filter(kind=ObligationKind.VALUE,
                                             indicator__home_territory__isnull=False,
                                             indicator__part_labels=[])
                   .select_related("indicator").order_by("indicator__sort_key", "pk"))
    if "approved" in states:
        later = IndicatorValue.objects.filter(
            indicator_id=OuterRef("indicator_id"),
            territory_id=OuterRef("indicator__home_territory_id"),
            period_end__gt=round_.period_end, available=True)
        obligations = obligations.filter(Exists(later))
    seen, values = set(), []
    for obligation in obligations:
        if len(values) == len(states):
            break
        if obligation.indicator_id in seen:
            continue
        seen.add(obligation.indicator_id)
        state = states[len(values)]
        value = indicator_services.indicator_value_record(
            actor=_DemoImplementer(), indicator=obligation.indicator,
            period_kind="half_year", period_start=round_.period_start,
            period_end=round_.period_end, period_text=period_text,
            value=Decimal(len(values) + 1), value_text=str(len(values) + 1), note=NOTE,
            submit=state != "draft")
        if state == "approved":
            value = indicator_services.indicator_value_approve(actor=None, value=value)
        elif state == "returned":
            value = indicator_services.indicator_value_return(
                actor=None, value=value, comment="Doplňte prosím zdroj údaje (ilustrativní).")
        values.append(value)
    return values


def _report_service_values(round_):
    """The first service owing its indicators submits them (invented values)."""
    obligation = (round_.obligations.filter(kind=ObligationKind.SERVICE)
                  .select_related("service").order_by("service__name", "pk").first())
    if obligation is None:
        return 0
    service = obligation.service
    manual = manual_for(service.city, round_.period_end)
    indicators = indicators_for_service(service).filter(manual=manual)
    values = {indicator: Decimal(10 * (number + 1))
              for number, indicator in enumerate(indicators)}
    if not values:
        return 0
    return len(service_values.values_report(
        actor=_DemoImplementer(), service=service, year=round_.service_year,
        period=round_.service_period, values=values, submit=True))


def load(*, stdout=None, summary=None, verbosity=1):
    plan = _plan()
    if plan is None:
        _say(stdout, "  no plan with implemented impact indicators: no reporting round")
        return summary
    for title, period_text, start, end, deadline, states, with_services in (CLOSED, OPEN):
        if ReportingRound.objects.filter(title=title).exists():
            summary.add(ReportingRound, UNCHANGED)
            continue
        round_ = services.round_open(actor=None, title=title, kind="half_year",
                                     period_start=start, period_end=end, deadline=deadline,
                                     plans=[plan], service_indicators=with_services)
        values = _report_values(round_, period_text, states)
        service_count = _report_service_values(round_) if with_services else 0
        if (title, states) == (CLOSED[0], CLOSED[5]):
            services.round_close(actor=None, round_=round_)
            if values:
                first = values[0]
                indicator_services.indicator_value_record(
                    actor=None, indicator=first.indicator, period_kind="half_year",
                    period_start=start, period_end=end, period_text=period_text,
                    value=Decimal("1.5"), value_text="1,5", note=NOTE,
                    correction_reason="Ilustrativní oprava po uzavření kola.")
        summary.add(ReportingRound, CREATED)
        if verbosity >= 1:
            _say(stdout, f"  {title}: {round_.obligations.count()} obligations, "
                         f"{len(values)} values, {service_count} of a service ({ILLUSTRATIVE})")
    return summary
