"""E-mail notifications: everyone signed in sets their own; the outbox is the
administrators'; an unsubscribe link works for whoever holds it."""

from notifications import tokens
from notifications.models import OutboxMail, Subscription

from . import LOGIN, everyone, signed_in


def extend_world(world):
    return {
        "outbox_mail": OutboxMail.objects.create(
            recipient="adresat@example.org", kind="minutes_submitted", subject="Zápis",
            body="Text", link="http://127.0.0.1:8000/", unsubscribe_url="http://127.0.0.1:8000/"),
        "unsubscribe_token": tokens.make(kind="minutes_submitted", email="adresat@example.org"),
        "confirm_token": tokens.confirm_url(Subscription.objects.create(
            email="obcan@example.org", topic="reports", target_id=0, target_title="Zprávy",
            consent_text="Souhlas")).rstrip("/").rsplit("/", 1)[1],
        "remove_token": tokens.remove_url("obcan@example.org").rstrip("/").rsplit("/", 1)[1],
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
    # The public's subscriptions: a page of its own for each public thing followed.
    "notifications:subscribe": [
        ("group", lambda w: ["working_group", w["group_a"].pk], everyone()),
        ("plan", lambda w: ["plan", w["plan_published"].pk], everyone()),
        ("draft plan", lambda w: ["plan", w["plan_draft"].pk], everyone(404)),
        ("reports", lambda w: ["reports", 0], everyone()),
    ],
    "notifications:subscription_confirm": [("", lambda w: [w["confirm_token"]], everyone())],
    "notifications:subscription_remove": [("", lambda w: [w["remove_token"]], everyone())],
}
