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
