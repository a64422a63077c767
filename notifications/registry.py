"""The kinds of e-mail the portal sends. Each app registers its own kinds in
its AppConfig.ready(): a key (in the outbox, the preferences and the
unsubscribe links), a label in the reader's language, who may receive it (the
preferences page offers a kind only to them) and whether it is on for someone
who never chose."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: Promise | str
    may_receive: Callable[[object], bool]
    default_on: bool = True


_KINDS: dict[str, NotificationKind] = {}


def register(key, *, label, may_receive, default_on=True):
    kind = NotificationKind(key=key, label=label, may_receive=may_receive, default_on=default_on)
    known = _KINDS.get(key)
    if known is not None and known != kind:
        raise ValueError(f"The notification kind “{key}” is registered twice.")
    _KINDS[key] = kind
    return kind


def get(key) -> NotificationKind | None:
    return _KINDS.get(key)


def kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def kinds_for(user) -> list[NotificationKind]:
    """The kinds `user` may receive, for their preferences page."""
    return [kind for kind in kinds() if kind.may_receive(user)]


def choices():
    return [(kind.key, kind.label) for kind in kinds()]


# --- What the public may subscribe to ------------------------------------------------


@dataclass(frozen=True)
class SubscriptionTopic:
    """`target(target_id) -> (title, path)` of a target the public may read
    now, else None; `changes(target_id, since, until) -> [lines]`: what became
    public about it in the window, one line each, in the active language."""

    key: str
    label: Promise | str
    target: Callable[[int], tuple[str, str] | None]
    changes: Callable[[int, object, object], list[str]]


_TOPICS: dict[str, SubscriptionTopic] = {}


def register_topic(key, *, label, target, changes):
    _TOPICS[key] = SubscriptionTopic(key=key, label=label, target=target, changes=changes)


def topic(key) -> SubscriptionTopic | None:
    return _TOPICS.get(key)


def topic_choices():
    return [(item.key, item.label) for item in sorted(_TOPICS.values(), key=lambda t: t.key)]
