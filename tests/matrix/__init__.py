"""The role matrix, one module per feature. Each module defines MATRIX:
url name -> [(scope label, args builder, {role: expected})]. The args builder
receives the `world` fixture of tests/test_role_matrix.py. Expected values are
an HTTP status or LOGIN (a 302 to the login page)."""

ROLES = (
    "anonymous",
    "no_role",
    "administrator",
    "city_officer",
    "manager_a",
    "contact_a",
    "member_a",
    "implementer_x",
)
SIGNED_IN = ROLES[1:]
LOGIN = "login"  # a 302 to the login page


def everyone(status=200):
    return dict.fromkeys(ROLES, status)


def signed_in(status=200):
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, status)}


def officers_only():
    return {
        **signed_in(403),
        "administrator": 200,
        "city_officer": 200,
    }


def officers_and_manager_of_a():
    return {**officers_only(), "manager_a": 200}


