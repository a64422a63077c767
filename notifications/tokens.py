"""One-click unsubscribe links: the recipient (an account by id, or an
address) signed with a salt of its own per kind, so that a link of one kind
never unsubscribes from another and nobody can make one for someone else."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "notifications.unsubscribe."


def make(*, kind, user_id=None, email=""):
    payload = {"u": user_id} if user_id else {"e": email.lower()}
    return signing.dumps(payload, salt=SALT + kind, compress=True)


def read(*, kind, token):
    """(user_id, email) the token names for `kind`; BadSignature if it was
    not made for this kind or was altered."""
    payload = signing.loads(token, salt=SALT + kind)
    if not isinstance(payload, dict) or not (payload.get("u") or payload.get("e")):
        raise signing.BadSignature("no recipient in the token")
    return payload.get("u"), payload.get("e") or ""


def url(*, kind, user_id=None, email=""):
    path = reverse("notifications:unsubscribe",
                   args=[kind, make(kind=kind, user_id=user_id, email=email)])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


# Public subscriptions: a confirmation link (for one subscription, valid for
# CONFIRM_DAYS) and a removal link (for every subscription of an address).
CONFIRM_SALT = "notifications.subscription.confirm"
REMOVE_SALT = "notifications.subscription.remove"
CONFIRM_DAYS = 7


def _absolute(name, token):
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=[token])


def confirm_url(subscription):
    token = signing.dumps({"s": subscription.pk, "e": subscription.email.lower()},
                          salt=CONFIRM_SALT, compress=True)
    return _absolute("notifications:subscription_confirm", token)


def read_confirm(token):
    """(subscription id, address); BadSignature (SignatureExpired) otherwise."""
    payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 24 * 3600)
    if not isinstance(payload, dict) or not payload.get("s") or not payload.get("e"):
        raise signing.BadSignature("no subscription in the token")
    return payload["s"], payload["e"]


def remove_url(email):
    token = signing.dumps({"e": email.lower()}, salt=REMOVE_SALT, compress=True)
    return _absolute("notifications:subscription_remove", token)


def read_remove(token):
    payload = signing.loads(token, salt=REMOVE_SALT)
    if not isinstance(payload, dict) or not payload.get("e"):
        raise signing.BadSignature("no address in the token")
    return payload["e"]
