"""Import of an edited plan sheet (planning/views/imports.py on core.imports): officers
only, for a draft, a published and a commenting plan alike. The confirm is
POST-only: an officer's GET answers 405, everyone else is stopped before."""

from . import officers_only


def _post_only():
    return {**officers_only(), "administrator": 405, "city_officer": 405}


def _plans(expected):
    return [
        (which, lambda w, which=which: [w[f"plan_{which}"].code], expected)
        for which in ("draft", "published", "commenting")
    ]


MATRIX = {
    "planning:plan_import": _plans(officers_only()),
    "planning:plan_import_confirm": _plans(_post_only()),
    # A new plan from a workbook, and its empty template: whoever may create plans.
    "planning:plan_import_new": [("", lambda w: [], officers_only())],
    "planning:plan_import_new_confirm": [("", lambda w: [], _post_only())],
    "planning:plan_import_template": [("", lambda w: [], officers_only())],
}
