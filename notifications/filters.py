import django_filters
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import MailState, OutboxMail


class OutboxFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=MailState.choices,
                                        empty_label=_("any"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=registry.choices,
                                       empty_label=_("any"))

    class Meta:
        model = OutboxMail
        fields = ["state", "kind"]
