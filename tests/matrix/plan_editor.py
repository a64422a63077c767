"""The officers' plan editor: every URL only for officers (and administrators),
for a draft and a published plan alike. POST-only URLs answer a GET by an
officer with 405; everyone else is stopped before that."""

from . import LOGIN, officers_only  # noqa: F401


def _post_only():
    return {**officers_only(), "administrator": 405, "city_officer": 405}


def _plans(builder, expected):
    return [
        ("draft", lambda w: builder(w, "draft"), expected),
        ("published", lambda w: builder(w, "published"), expected),
        ("commenting", lambda w: builder(w, "commenting"), expected),
    ]


def _plan(w, which):
    return [w[f"plan_{which}"].code]


def _measure(w, which):
    return [w[f"plan_{which}"].code, w[f"measure_{which}"].pk]


MATRIX = {
    "planning:plan_create": [("", lambda w: [], officers_only())],
    "planning:plan_editor": _plans(_plan, officers_only()),
    "planning:plan_settings": _plans(_plan, officers_only()),
    "planning:plan_status": _plans(_plan, officers_only()),
    "planning:plan_bulk_status": _plans(_plan, _post_only()),
    "planning:plan_item_create": _plans(_plan, officers_only()),
    "planning:plan_item_update": _plans(_measure, officers_only()),
    "planning:plan_item_inline": _plans(_measure, officers_only()),
    "planning:plan_item_summary": _plans(_measure, officers_only()),
    "planning:plan_item_move": _plans(_measure, officers_only()),
    "planning:plan_item_delete": _plans(_measure, officers_only()),
    "planning:plan_item_history": _plans(_measure, officers_only()),
    "planning:plan_item_restore": _plans(_measure, _post_only()),
    # Deleted items (issue 15): the list, and bringing one back (POST only).
    "planning:plan_deleted_items": _plans(_plan, officers_only()),
    "planning:plan_item_undelete": _plans(lambda w, which: [w[f"plan_{which}"].code, 999999],
                                          _post_only()),
}
