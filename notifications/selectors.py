from .models import OutboxMail


def outbox_list():
    return OutboxMail.objects.only(
        "pk", "recipient", "kind", "subject", "state", "attempts", "next_attempt_at",
        "last_error", "created_at", "sent_at").order_by("-created_at", "-pk")


def receives_by_kind(user, offered):
    """{kind key: receives?} of the kinds `offered` to `user`, in one query."""
    from .models import NotificationPreference

    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "enabled"))
    return {kind.key: stored.get(kind.key, kind.default_on) for kind in offered}
