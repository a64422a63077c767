import django_tables2 as tables
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.tables import FastCellsMixin
from core.templatetags.portal import num

from .models import ServiceVersion, UpdateRequest


def _forms(record):
    return ", ".join(str(form.label) for form in record.forms)


class NetworkTable(FastCellsMixin, tables.Table):
    """One row per service as it stood on the day shown."""

    register_id = tables.Column(verbose_name=_("Register identifier"),
                                accessor="service__register_id")
    # Services of the same name in a fixed order, along the index
    # service_list_order.
    name = tables.Column(verbose_name=_("Name"), accessor="service__name",
                         order_by=("service__name", "service_id"),
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

    def _joined(self, name, items, text, separator):
        """A ManyToManyColumn's cell (prefetched rows), or its default."""
        if not items:
            return self.empty(name)
        return mark_safe(conditional_escape(separator).join(  # noqa: S308 - escaped
            conditional_escape(text(item)) for item in items))

    def fast_cells(self, record):
        service = record.service
        unit = record.capacity_unit
        return {
            "register_id": self.plain("register_id", service.register_id),
            "name": self.link("name", self.url_for("network:service_detail", service.pk),
                              service.name),
            "provider": self.plain("provider", service.provider.name),
            "kind": self.plain("kind", service.kind),
            "forms": _forms(record),
            "target_groups": self._joined("target_groups", record.target_groups.all(), str,
                                          "; "),
            "support_areas": self._joined("support_areas", record.support_areas.all(),
                                          lambda area: area.numeral, ", "),
            "capacity": self.rendered("capacity", record.capacity_value, num),
            "unit": self.plain("unit", unit.name if unit is not None else None),
        }


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
