"""The desk is every signed-in user's; a body's participation is for its
manager, its contact person and officers; the list of bodies for anyone
who manages or is the contact person of one."""

from . import officers_only, signed_in


def group_people_and_officers():
    return {**officers_only(), "manager_a": 200, "contact_a": 200}


def _year(world):
    return [world["group_a"].code, 2025]


MATRIX = {
    "core:desk": [("", lambda w: [], signed_in())],
    "meetings:participation_index": [("", lambda w: [], group_people_and_officers())],
    "meetings:participation": [
        ("group A", lambda w: [w["group_a"].code], group_people_and_officers()),
        ("group B", lambda w: [w["group_b"].code], officers_only()),
    ],
    "meetings:participation_year": [
        ("group A", _year, group_people_and_officers()),
        ("group B", lambda w: [w["group_b"].code, 2025], officers_only()),
    ],
    "meetings:participation_year_xlsx": [
        ("group A", _year, group_people_and_officers()),
        ("group B", lambda w: [w["group_b"].code, 2025], officers_only()),
    ],
}

