"""E-mail notifications: everyone signed in sets their own; the outbox is the
administrators'; an unsubscribe link works for whoever holds it."""

from notifications import tokens
from notifications.models import OutboxMail

from . import LOGIN, everyone, signed_in


def extend_world(world):
    return {
        "outbox_mail": OutboxMail.objects.create(
            recipient="adresat@example.org", kind="minutes_submitted", subject="Zápis",
            body="Text", link="http://127.0.0.1:8000/", unsubscribe_url="http://127.0.0.1:8000/"),
        "unsubscribe_token": tokens.make(kind="minutes_submitted", email="adresat@example.org"),
    }


def administrator_only(status=200):
    return {**signed_in(403), "anonymous": LOGIN, "administrator": status}


MATRIX = {
    "notifications:preferences": [("", lambda w: [], signed_in())],
    "notifications:outbox": [("", lambda w: [], administrator_only())],
    "notifications:outbox_retry": [
        ("", lambda w: [w["outbox_mail"].pk], administrator_only(405))],
    "notifications:unsubscribe": [
        ("", lambda w: ["minutes_submitted", w["unsubscribe_token"]], everyone())],
}
