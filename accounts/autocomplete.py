"""Users for the autocomplete (core.autocomplete): the audit trail's "who"
filter. Only those who may read the audit trail get any."""

from django.db.models import Q

from core import autocomplete, rules

from .models import User


def _users(user):
    if not rules.check("view_audit_trail", user):
        return None
    return User.objects.order_by("last_name", "first_name", "username")


def user_label(user):
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


def _search(queryset, term):
    return queryset.filter(Q(username__icontains=term) | Q(first_name__icontains=term)
                           | Q(last_name__icontains=term))


def _exact(queryset, text):
    username = text.rsplit("(", 1)[-1].rstrip(")").strip() if text.endswith(")") else text
    return queryset.filter(username__iexact=username)


def register():
    autocomplete.register(autocomplete.Kind(
        name="users", queryset=_users, search=_search, exact=_exact, label=user_label))
