"""Public subscription to an indicator's new values (notifications)."""

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications import registry


def _indicator(target_id):
    from .models import Indicator
    from .permissions import can_view_indicator

    indicator = can_view_indicator.filter(
        AnonymousUser(), Indicator.objects.filter(pk=target_id)).first()
    if indicator is None:
        return None
    return f"{indicator.code} {indicator.name}".strip(), indicator.get_absolute_url()


def _shown(value):
    if value.value_text:
        return value.value_text
    if value.value is None:
        return _("not available")
    plain = Decimal(format(value.value.normalize(), "f"))  # 100, never 1E+2
    return number_format(plain, force_grouping=True)


def _changes(target_id, since, until):
    from notifications.subscriptions import changed_ids

    from .models import IndicatorValue

    values = (IndicatorValue.objects.filter(pk__in=changed_ids(IndicatorValue, since, until),
                                            indicator_id=target_id)
              .select_related("territory").order_by("period_start", "pk"))
    return [_("New or corrected value: %(period)s, %(territory)s: %(value)s") % {
        "period": value.period_text, "territory": value.territory.label,
        "value": _shown(value)} for value in values]


def register():
    registry.register_topic("indicator", label=gettext_lazy("an indicator's new values"),
                            target=_indicator, changes=_changes)
