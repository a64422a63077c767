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


def _to_addresses(model, field, addresses):
    from django.db.models import Q

    query = Q(pk__in=[])
    for address in sorted(addresses):
        query |= Q(**{f"{field}__iexact": address})
    return model.objects.filter(query).order_by("pk")


def personal_data_of(*, addresses):
    """The outbox rows, unsubscribes and public subscriptions kept for these
    addresses (rows tied to an account are found through its foreign key)."""
    from .models import NotificationPreference, Subscription

    return [*_to_addresses(OutboxMail, "recipient", addresses),
            *_to_addresses(NotificationPreference, "email", addresses).filter(user__isnull=True),
            *_to_addresses(Subscription, "email", addresses)]
