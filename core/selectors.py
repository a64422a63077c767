"""Reads of the core app: the audit trail as officers read it (who changed
what and when), with its FilterSet."""

from pathlib import Path

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .autocomplete import AutocompleteFilter
from .collation import czech_sort_key
from .models import AuditAction, AuditEntry


def audit_entries():
    """Every audit entry, newest first, with who made it and the kind of record."""
    return (AuditEntry.objects.select_related("actor", "content_type").defer("snapshot")
            .order_by("-created_at", "-id"))


def _portal_models():
    """The portal's own models (not Django's or a library's), which the audit
    trail may name: read from the app registry, no query."""
    base = Path(settings.BASE_DIR).resolve()
    venv = base / ".venv"
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not path.is_relative_to(venv):
            found.extend(config.get_models())
    return found


def audited_kind_choices():
    """(app_label.model, the kind's Czech name) of every model of the portal,
    in Czech order."""
    choices = [(f"{m._meta.app_label}.{m._meta.model_name}",
                str(m._meta.verbose_name).capitalize()) for m in _portal_models()]
    return sorted(choices, key=lambda choice: czech_sort_key(choice[1]))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AuditEntryFilter(django_filters.FilterSet):
    actor = AutocompleteFilter(kind="users", label=_("Who"),
                               queryset=lambda request: get_user_model().objects.all())
    kind = django_filters.ChoiceFilter(label=_("Kind of record"), method="filter_kind",
                                       choices=audited_kind_choices)
    object_id = django_filters.CharFilter(label=_("Record id"), method="filter_object_id")
    q = django_filters.CharFilter(label=_("Record or note contains"), method="search")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    date_from = django_filters.DateFilter(label=_("From (date)"), field_name="created_at",
                                          lookup_expr="date__gte", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To (date)"), field_name="created_at",
                                        lookup_expr="date__lte", widget=DateInput())

    class Meta:
        model = AuditEntry
        fields = ["actor", "kind", "object_id", "q", "action", "date_from", "date_to"]

    def filter_kind(self, queryset, name, value):
        app_label, _dot, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)

    def filter_object_id(self, queryset, name, value):
        return queryset.filter(object_id=value.strip())

    def search(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value) | Q(message__icontains=value))
