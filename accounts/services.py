"""Changes to accounts made by the portal itself (not the admin): the users
that single sign-on creates, and their sign-ins, each with an audit entry."""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record


def _free_username(email):
    """The e-mail address (lower case) as the user name, or with a number
    when a local account already has it."""
    User = get_user_model()
    limit = User._meta.get_field("username").max_length
    # Only what Django's user name validator allows (an apostrophe is not).
    base = re.sub(r"[^\w.@+-]", "", email.strip().lower())[:limit - 4] or "user"
    username, number = base, 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


def user_create_from_provider(*, claims, issuer, actor=None):
    """A new account for a staff member the identity provider vouched for:
    e-mail and names from the provider's claims, no usable password, and
    no role at all (roles are given in the portal by administrators). The
    actor is the new user (they created it by signing in) unless given."""
    User = get_user_model()
    with transaction.atomic():
        user = User(
            username=_free_username(claims["email"]),
            email=claims["email"].strip(),
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit_record(
            actor=actor or user, action=AuditAction.CREATE, instance=user,
            changes={"username": [None, user.username], "email": [None, user.email]},
            message=_("Account created at the first sign-in with the city account "
                      "(identity provider %(issuer)s); no role.") % {"issuer": issuer},
            with_snapshot=False,
        )
    return user


def user_provider_sign_in_record(*, actor, second_factor, amr=None):
    """A sign-in through the identity provider, in the signed-in user's audit
    trail, with whether the provider asserted a second factor."""
    with transaction.atomic():
        if second_factor:
            note = _("Signed in with the city account; the identity provider confirmed "
                     "a second factor (%(amr)s).")
        else:
            note = _("Signed in with the city account; the identity provider confirmed "
                     "no second factor (%(amr)s).")
        amr_text = ", ".join(str(value) for value in amr) if isinstance(amr, list) else str(
            amr or "-")
        return audit_record(
            actor=actor, action=AuditAction.UPDATE, instance=actor,
            message=note % {"amr": amr_text}, with_snapshot=False,
        )
