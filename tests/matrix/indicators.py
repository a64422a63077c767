"""Indicator pages (indicators/urls.py). Public pages for everyone; an
indicator of a draft plan answers 404 to all but officers. Definitions are
officers'; values of an impact indicator also its measures' implementer's."""

from tests.indicators.factories import IndicatorFactory, year_value
from tests.planning.factories import PlanItemFactory

from . import everyone, officers_only


def extend_world(world):
    public = IndicatorFactory(code="ind-public", plans=[world["plan_published"]])
    draft = IndicatorFactory(code="ind-draft", plans=[world["plan_draft"]])
    # The specific goal above measure_published, which organisation X implements.
    own = IndicatorFactory.for_measure(world["measure_published"], code="ind-own")
    others = IndicatorFactory.for_measure(
        PlanItemFactory.measure(plan=world["plan_published"]), code="ind-others")
    return {
        "ind_public": public,
        "ind_draft": draft,
        "ind_own": own,
        "ind_others": others,
        "ind_own_value": year_value(own, 2023, 5),
        "ind_others_value": year_value(others, 2023, 5),
        "ind_public_value": year_value(public, 2023, 5),
    }


def _draft_hidden():
    return {**everyone(404), "administrator": 200, "city_officer": 200}


def _reporters_of_own():
    return {**officers_only(), "implementer_x": 200}


def _post_only(expected):
    return {role: (405 if status == 200 else status) for role, status in expected.items()}


def _code(key):
    return lambda w: [w[key].code]


def _value(indicator, value):
    return lambda w: [w[indicator].code, w[value].pk]


MATRIX = {
    "indicators:list": [("", lambda w: [], everyone())],
    "indicators:detail": [
        ("public", _code("ind_public"), everyone()),
        ("impact", _code("ind_own"), everyone()),
        ("draft", _code("ind_draft"), _draft_hidden()),
    ],
    "indicators:download": [
        ("csv", lambda w: [w["ind_public"].code, "csv"], everyone()),
        ("json", lambda w: [w["ind_own"].code, "json"], everyone()),
        ("draft", lambda w: [w["ind_draft"].code, "xlsx"], _draft_hidden()),
    ],
    "indicators:create": [("", lambda w: [], officers_only())],
    "indicators:update": [
        ("public", _code("ind_public"), officers_only()),
        ("draft", _code("ind_draft"), officers_only()),
    ],
    "indicators:value_create": [
        ("own", _code("ind_own"), _reporters_of_own()),
        ("others", _code("ind_others"), officers_only()),
        ("global", _code("ind_public"), officers_only()),
    ],
    "indicators:value_update": [
        ("own", _value("ind_own", "ind_own_value"), _reporters_of_own()),
        ("others", _value("ind_others", "ind_others_value"), officers_only()),
    ],
    "indicators:value_delete": [
        ("own", _value("ind_own", "ind_own_value"), _post_only(officers_only())),
    ],
    # The definitions workbook (indicators/views_definitions.py): officers only.
    "indicators:definitions_import": [("", lambda w: [], officers_only())],
    "indicators:definitions_export": [("", lambda w: [], officers_only())],
    "indicators:definitions_template": [("", lambda w: [], officers_only())],
    "indicators:definitions_confirm": [
        ("any batch", lambda w: ["00000000-0000-0000-0000-000000000000"],
         _post_only(officers_only())),
    ],
}


