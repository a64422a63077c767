"""Users and their roles: who is signed in, an officer, an administrator or
an implementer, the second factor and login locks.

Accounts knows no other app. The roles held through the directory (group
manager, contact person, member) are added by the directory app through
`register_role`, so `roles_of` lists every role without this module reading
the directory's models. Each app keeps its own rules in its `permissions.py`
and adds them to the registry of `core.rules`, which views, the `{% can %}`
template tag and tests ask."""

from django.conf import settings

from core import rules


class Role:
    ADMINISTRATOR = "administrator"
    CITY_OFFICER = "city_officer"
    GROUP_MANAGER = "group_manager"
    CONTACT_PERSON = "contact_person"
    IMPLEMENTER = "implementer"
    GROUP_MEMBER = "group_member"


# The order in which the account page and the role matrix list the roles.
ROLE_ORDER = (
    Role.ADMINISTRATOR,
    Role.CITY_OFFICER,
    Role.GROUP_MANAGER,
    Role.CONTACT_PERSON,
    Role.IMPLEMENTER,
    Role.GROUP_MEMBER,
)


def is_authenticated(user):
    return user is not None and user.is_authenticated and user.is_active


def is_administrator(user):
    return is_authenticated(user) and user.is_superuser


def is_city_officer(user):
    """City officers, and administrators, who can do everything officers can."""
    return is_authenticated(user) and (user.is_city_officer or user.is_superuser)


def implementer_organisation_id(user):
    """The organisation the user reports for as an implementer, or None."""
    return getattr(user, "implementer_organisation_id", None) if is_authenticated(user) else None


_ROLE_CHECKS = {
    Role.ADMINISTRATOR: lambda user: user.is_superuser,
    Role.CITY_OFFICER: lambda user: user.is_city_officer,
    Role.IMPLEMENTER: lambda user: bool(user.implementer_organisation_id),
}


def register_role(role, holds):
    """Add how to tell whether an authenticated user holds `role`
    (`holds(user) -> bool`); the apps that grant a role add it in ready()."""
    if role not in ROLE_ORDER:
        raise ValueError(f"Unknown role “{role}”.")
    if _ROLE_CHECKS.get(role, holds) is not holds:
        raise ValueError(f"The role “{role}” is registered twice.")
    _ROLE_CHECKS[role] = holds


def roles_of(user):
    """The roles a user holds, for display and for the role matrix."""
    if not is_authenticated(user):
        return []
    return [role for role in ROLE_ORDER if role in _ROLE_CHECKS and _ROLE_CHECKS[role](user)]


# --- Second factor (TOTP, django-otp) --------------------------------------------

def _has_confirmed_device(user):
    """Cached per user object: at most one query per request."""
    if not hasattr(user, "_perm_otp_device"):
        from django_otp import user_has_device

        user._perm_otp_device = user_has_device(user, confirmed=True)
    return user._perm_otp_device


def _session_verified(user):
    """True once this session passed a code (django-otp's OTPMiddleware sets
    `is_verified` on request.user; a user object without it is unverified),
    or when the city's identity provider asserted a second factor at this
    session's sign-in (accounts.oidc; the gate in accounts.middleware sets
    `_perm_provider_second_factor` from the session)."""
    if getattr(user, "_perm_provider_second_factor", False):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def needs_second_factor(user):
    """A signed-in user with a confirmed authenticator whose session has not
    yet passed a code: may see nothing but the code page (and log out)."""
    return (is_authenticated(user) and not _session_verified(user)
            and _has_confirmed_device(user))


def must_have_second_factor(user):
    """Administrators and every staff account (they reach the admin) always;
    city officers when the city requires it (settings.OTP_REQUIRED_FOR_OFFICERS,
    on by default in production)."""
    if not is_authenticated(user):
        return False
    return (user.is_superuser or user.is_staff
            or (settings.OTP_REQUIRED_FOR_OFFICERS and is_city_officer(user)))


def must_set_up_second_factor(user):
    """A user who must have a second factor but has no confirmed authenticator:
    may see nothing but the set-up page (and log out) until one is confirmed."""
    return (must_have_second_factor(user) and not _session_verified(user)
            and not _has_confirmed_device(user))


def can_unlock_logins(user):
    """See accounts locked after repeated failed logins and unlock them."""
    return is_city_officer(user)


def register():
    rules.register(
        is_city_officer=is_city_officer,
        is_administrator=is_administrator,
        unlock_logins=can_unlock_logins,
        # The audit trail (core/views_audit.py): who changed what and when.
        view_audit_trail=is_city_officer,
    )
