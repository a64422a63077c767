"""Public plan pages (planning/views/public.py).

A plan someone may not see answers 404 on every page of it, to anonymous
visitors too, so that a draft's existence is not revealed. The draft of the
`world` is drafted by group A: officers and group A's manager, contact person
and member see it; a signed-in user without a role and the implementer of X
do not. The data-checks page is for officers: on a plan the user may see,
anonymous visitors go to the login page and other signed-in users get 403.
"""

from . import LOGIN, ROLES, everyone

HIDDEN_DRAFT = ("anonymous", "no_role", "implementer_x")


def draft_visible():
    """Officers and group A (which drafts the plan) see it; others get 404."""
    return {role: (404 if role in HIDDEN_DRAFT else 200) for role in ROLES}


def checks_on_visible_plan():
    return {
        "anonymous": LOGIN,
        "no_role": 403,
        "administrator": 200,
        "city_officer": 200,
        "manager_a": 403,
        "contact_a": 403,
        "member_a": 403,
        "implementer_x": 403,
    }


def checks_on_draft():
    return {**checks_on_visible_plan(), **dict.fromkeys(HIDDEN_DRAFT, 404)}


def _plan(key):
    return lambda w: [w[key].code]


def _item(key):
    return lambda w: [w[key].plan.code, w[key].pk]


MATRIX = {
    "planning:plan_list": [("", lambda w: [], everyone())],
    "planning:plan_detail": [
        ("published", _plan("plan_published"), everyone()),
        ("commenting", _plan("plan_commenting"), everyone()),
        ("draft", _plan("plan_draft"), draft_visible()),
        ("unknown", lambda w: ["no-such-plan"], everyone(404)),
    ],
    "planning:plan_item_detail": [
        ("published", _item("measure_published"), everyone()),
        ("commenting", _item("measure_commenting"), everyone()),
        ("draft", _item("measure_draft"), draft_visible()),
        # A published plan's address with a draft's item: not found for anyone.
        ("other plan", lambda w: [w["plan_published"].code, w["measure_draft"].pk],
         everyone(404)),
    ],
    "planning:plan_data_checks": [
        ("published", _plan("plan_published"), checks_on_visible_plan()),
        ("commenting", _plan("plan_commenting"), checks_on_visible_plan()),
        ("draft", _plan("plan_draft"), checks_on_draft()),
    ],
    "planning:plan_export_xlsx": [
        ("published", _plan("plan_published"), everyone()),
        ("commenting", _plan("plan_commenting"), everyone()),
        ("draft", _plan("plan_draft"), draft_visible()),
    ],
}
