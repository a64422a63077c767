import django_tables2 as tables
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.tables import FastCellsMixin
from core.templatetags.portal import czk

from .models import Project


class MoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return czk(value)

    def value(self, value):
        return value


class ProjectTable(FastCellsMixin, tables.Table):
    registration_number = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    implementer = tables.Column(verbose_name=_("Implementer"), accessor="display_implementer",
                                order_by=("implementer_text", "implementer__name"))
    programme = tables.Column(verbose_name=_("Programme"), accessor="call__programme__short_name",
                              order_by=("call__programme__position",))
    call = tables.Column(verbose_name=_("Call"), accessor="call__published_label",
                         order_by=("call__programme__position", "call__number"))
    measures = tables.ManyToManyColumn(verbose_name=_("Measures"), orderable=False,
                                       transform=lambda item: item.code, separator=", ")
    thematic_area = tables.Column(verbose_name=_("Thematic area"),
                                  order_by=("thematic_area__position",))
    status = tables.Column()
    total_budget = MoneyColumn(verbose_name=_("Total eligible expenditure"))

    class Meta:
        model = Project
        fields = ("registration_number", "title", "implementer", "programme", "call",
                  "measures", "thematic_area", "status", "total_budget")
        order_by = ("registration_number",)
        template_name = "projects/table.html"

    def render_call(self, record):
        return str(record.call.published_label or record.call.number)

    def value_call(self, record):
        return str(record.call.published_label or record.call.number)

    def fast_cells(self, record):
        url = self.url_for("projects:project_detail", record.pk)
        call = record.call
        measures = record.measures.all()
        return {
            "registration_number": self.link("registration_number", url,
                                             record.registration_number),
            "title": self.link("title", url, record.title),
            "implementer": self.plain("implementer", record.display_implementer),
            "programme": self.plain("programme", call.programme.short_name),
            "call": self.rendered("call", call.published_label,
                                  lambda _label: self.render_call(record)),
            "measures": mark_safe(", ".join(  # noqa: S308 - each code escaped
                conditional_escape(item.code) for item in measures))
            if measures else self.empty("measures"),
            "thematic_area": self.plain("thematic_area", record.thematic_area),
            "status": self.plain("status", self.choice_label(Project, "status",
                                                             record.status)),
            "total_budget": self.rendered("total_budget", record.total_budget, czk),
        }
