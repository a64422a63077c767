import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.templatetags.portal import num

from .models import ServiceVersion, UpdateRequest


def _forms(record):
    return ", ".join(str(form.label) for form in record.forms)


class NetworkTable(tables.Table):
    """One row per service as it stood on the day shown."""

    register_id = tables.Column(verbose_name=_("Register identifier"),
                                accessor="service__register_id")
    name = tables.Column(verbose_name=_("Name"), accessor="service__name",
                         linkify=lambda record: record.service.get_absolute_url())
    provider = tables.Column(verbose_name=_("Provider"), accessor="service__provider__name")
    kind = tables.Column(verbose_name=_("Kind of service"), accessor="service__kind",
                         order_by=("service__kind__position",), default="")
    forms = tables.Column(verbose_name=_("Forms"), empty_values=(), orderable=False)
    target_groups = tables.ManyToManyColumn(verbose_name=_("Target groups"), orderable=False,
                                            separator="; ")
    support_areas = tables.ManyToManyColumn(verbose_name=_("Support areas"), orderable=False,
                                            transform=lambda area: area.numeral, separator=", ")
    capacity = tables.Column(verbose_name=_("Capacity"), accessor="capacity_value",
                             attrs={"td": {"class": "num"}, "th": {"class": "num"}},
                             default="")
    unit = tables.Column(verbose_name=_("Unit"), accessor="capacity_unit__name", default="")

    class Meta:
        model = ServiceVersion
        fields = ("register_id", "name", "provider", "kind", "forms", "target_groups",
                  "support_areas", "capacity", "unit")
        order_by = ("name",)
        template_name = "components/table.html"

    def render_forms(self, record):
        return _forms(record)

    def value_forms(self, record):
        return _forms(record)

    def render_capacity(self, value):
        return num(value)

    def value_capacity(self, value):
        return value


class UpdateRequestTable(tables.Table):
    number = tables.Column(verbose_name=_("No."), accessor="pk",
                           linkify=lambda record: record.get_absolute_url())
    kind = tables.Column(verbose_name=_("Kind of change"))
    subject = tables.Column(verbose_name=_("Service"), empty_values=(), orderable=False)
    provider = tables.Column(verbose_name=_("Provider"), accessor="provider__name")
    effective_from = tables.DateColumn(verbose_name=_("Takes effect on"), format="j. n. Y")
    capacity = tables.Column(verbose_name=_("Requested capacity"), accessor="capacity_value",
                             attrs={"td": {"class": "num"}, "th": {"class": "num"}},
                             default="")
    unit = tables.Column(verbose_name=_("Unit"), accessor="capacity_unit__name", default="")
    state = tables.Column(verbose_name=_("State"))

    class Meta:
        model = UpdateRequest
        fields = ("number", "kind", "subject", "provider", "effective_from", "capacity", "unit",
                  "state")
        order_by = ("-number",)
        template_name = "components/table.html"

    def render_subject(self, record):
        return record.service.name if record.service_id else record.name

    def value_subject(self, record):
        return self.render_subject(record)

    def render_capacity(self, value):
        return num(value)

    def value_capacity(self, value):
        return value
