"""Reporting rounds (rounds/): the rounds, their overview and export, and the
decisions on submissions are the city officers'; an implementer has its own
list (`rounds:mine`) and sends its drafts for approval (POST only: a GET by
those who may answers 405), the values of its services' indicators too.
Closing and deriving again are POST only too."""

from . import LOGIN, SIGNED_IN, officers_only


def extend_world(world):
    from datetime import date
    from decimal import Decimal

    from indicators.services import indicator_value_record
    from rounds.services import round_open
    from tests.indicators.factories import IndicatorFactory, ostrava
    from tests.projects.factories import ProjectFactory
    from tests.rounds.helpers import reports_in_review

    ostrava()
    implementer = world["users"]["implementer_x"]
    indicator = IndicatorFactory.for_measure(world["measure_published"], code="round-own")
    project = ProjectFactory(implementer=world["org_x"], measures=[world["measure_published"]],
                             reports_total=6)
    value = indicator_value_record(
        actor=implementer, indicator=indicator, period_kind="half_year",
        period_start=date(2025, 1, 1), period_end=date(2025, 6, 30),
        period_text="1. pol. 2025", value=Decimal("3"), value_text="3", submit=False)
    report, closed = reports_in_review(project)
    round_ = round_open(actor=None, title="Kolo", kind="half_year",
                        period_start=date(2025, 1, 1), period_end=date(2025, 6, 30),
                        deadline=date(2025, 7, 31), plans=[world["plan_published"]])
    return {"round": round_, "round_value": value, "round_report": report,
            "round_closed_report": closed, **_service_round(world)}


def _service_round(world):
    """A round over the service indicators, a service of organisation X owing
    its (submitted) values in it."""
    from datetime import date
    from decimal import Decimal

    from network.indicator_services import value_report
    from rounds.services import round_open
    from tests.network.factories import make_indicator, make_manual, make_service

    service = make_service(provider=world["org_x"], name="Služba v kole",
                           network_from=date(2024, 1, 1))
    indicator = make_indicator(manual=make_manual(number="kolo"), code="kolo-intervence")
    value_report(actor=world["users"]["implementer_x"], service=service, indicator=indicator,
                 year=2025, period="half", value=Decimal(4), submit=False)
    round_ = round_open(actor=None, title="Kolo služeb", kind="half_year",
                        period_start=date(2025, 1, 1), period_end=date(2025, 6, 30),
                        deadline=date(2025, 7, 31), service_indicators=True)
    return {"service_round": round_, "round_service": service}


def _round_service(w):
    return [w["service_round"].pk, w["round_service"].pk]


def _post_only(*allowed):
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, 403),
            **dict.fromkeys(allowed, 405)}


OFFICERS = ("administrator", "city_officer")

MATRIX = {
    # /indicators/report/, the old "who still has to report": officers go on to
    # the newest open round, implementers to their own list.
    "reporting_home": [("", lambda w: [], {
        "anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, 403),
        **dict.fromkeys((*OFFICERS, "implementer_x"), 302)})],
    "rounds:list": [("", lambda w: [], officers_only())],
    "rounds:create": [("", lambda w: [], officers_only())],
    "rounds:mine": [("", lambda w: [], {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, 403),
                                        "implementer_x": 200})],
    "rounds:detail": [("", lambda w: [w["round"].pk], officers_only())],
    "rounds:export": [("", lambda w: [w["round"].pk], officers_only())],
    "rounds:close": [("", lambda w: [w["round"].pk], _post_only(*OFFICERS))],
    "rounds:refresh": [("", lambda w: [w["round"].pk], _post_only(*OFFICERS))],
    "rounds:value_decide": [("", lambda w: [w["round_value"].pk], officers_only())],
    "rounds:value_submit": [("own value", lambda w: [w["round_value"].pk],
                             _post_only(*OFFICERS, "implementer_x"))],
    "rounds:service_decide": [("", _round_service, officers_only())],
    "rounds:service_submit": [("own service", _round_service,
                               _post_only(*OFFICERS, "implementer_x"))],
    "rounds:report_decide": [("", lambda w: [w["round_report"].pk], officers_only())],
    "rounds:report_correct": [("closed report", lambda w: [w["round_closed_report"].pk],
                               officers_only())],
}
