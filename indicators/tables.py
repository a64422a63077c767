import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import FastCellsMixin

from .models import Indicator
from .status import baseline_and_latest, display_value


def _latest(record):
    values = getattr(record, "approved_values", None)  # selectors.indicator_table
    if values is None:
        values = list(record.values.all())
    _baseline, latest, _bc, latest_cmp = baseline_and_latest(record, values)
    return latest, latest_cmp


def _milestones(record):
    targets = getattr(record, "target_list", None)  # selectors.indicator_table
    if targets is None:
        return record.milestones
    return sorted(targets, key=lambda target: target.position)


class IndicatorTable(FastCellsMixin, tables.Table):
    # Printed order where the plan gives one, else the code's natural order.
    code = tables.Column(verbose_name=_("Code"), order_by=("position", "sort_key", "id"))
    name = tables.Column(verbose_name=_("Indicator"), linkify=True)
    kind = tables.Column(verbose_name=_("Kind"))
    latest = tables.Column(verbose_name=_("Latest value"), empty_values=(), orderable=False)
    target_text = tables.Column(verbose_name=_("Target"), empty_values=(), accessor="pk",
                                orderable=False)
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Indicator
        fields = ("code", "name", "kind", "latest", "target_text", "status")
        order_by = ("kind", "code")
        attrs = {"class": "data-table indicator-table"}

    def _latest_text(self, record):
        latest, latest_cmp = _latest(record)
        if latest is None:
            return ""
        text = display_value(latest, record)
        if latest_cmp is not None:
            text = _("%(value)s vs. %(comparison)s") % {
                "value": text, "comparison": display_value(latest_cmp, record)}
        return f"{text} ({latest.period_text})"

    def render_latest(self, record):
        return self._latest_text(record) or "–"

    def value_latest(self, record):
        return self._latest_text(record)

    def _targets_text(self, record):
        return "; ".join(f"{t.phrase} ({t.when})" if t.when and t.when not in t.phrase
                         else t.phrase for t in _milestones(record))

    def render_target_text(self, record):
        return self._targets_text(record) or "–"

    def value_target_text(self, record):
        return self._targets_text(record)

    def render_status(self, record):
        return format_html('<span class="status status-{}">{}</span>', record.status,
                           record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def fast_cells(self, record):
        kind = self.choice_label(Indicator, "kind", record.kind)
        status = self.choice_label(Indicator, "status", record.status)
        return {
            "code": self.plain("code", record.code),
            "name": self.link("name", self.url_for("indicators:detail", record.slug),
                              record.name),
            "kind": self.plain("kind", kind),
            "latest": self.render_latest(record),
            "target_text": self.render_target_text(record),
            "status": self.plain("status", status) if status in ("", None) else format_html(
                '<span class="status status-{}">{}</span>', record.status, status),
        }
