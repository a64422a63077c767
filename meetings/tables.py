import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import FastCellsMixin

from . import search
from .models import Event, Meeting
from .permissions import can_manage_events


class MinutesTable(FastCellsMixin, tables.Table):
    starts_on = tables.DateColumn(verbose_name=_("Date"), format="j. n. Y", linkify=True)
    body = tables.Column(verbose_name=_("Body"), accessor="body__name",
                         order_by=("body__name", "-starts_on"))
    kind = tables.Column(verbose_name=_("Kind"))
    # Rendered also when empty: a search shows the matched passage under it.
    title = tables.Column(verbose_name=_("Title"), empty_values=())
    place_name = tables.Column(verbose_name=_("Place"))

    class Meta:
        model = Meeting
        fields = ("starts_on", "body", "kind", "title", "place_name")
        order_by = ("-starts_on",)

    def value_starts_on(self, value):
        return value.isoformat() if value else ""

    def render_title(self, value, record):
        """The title; for a search, the passage that matched under it."""
        passage = search.passage_of(record)
        title = value or "—"
        if not passage:
            return title
        return format_html('{}<br><span class="search-passage">{}</span>', title,
                           search.passage_html(passage))

    def value_title(self, value):
        return value

    def fast_cells(self, record):
        starts_on = record.starts_on
        return {
            # DateColumn prints {{ value|date:"j. n. Y"|default:default }}.
            "starts_on": self.link(
                "starts_on", self.url_for("meetings:detail", record.pk),
                date_format(starts_on, "j. n. Y") or self.empty("starts_on"))
            if starts_on not in (None, "") else self.empty("starts_on"),
            "body": self.plain("body", record.body.name),
            "kind": self.plain("kind", self.choice_label(Meeting, "kind", record.kind)),
            "title": self.render_title(record.title, record),
            "place_name": self.plain("place_name", record.place_name),
        }


class EventTable(tables.Table):
    starts_on = tables.DateColumn(verbose_name=_("From"), format="j. n. Y")
    ends_on = tables.DateColumn(verbose_name=_("To"), format="j. n. Y")
    title = tables.Column(verbose_name=_("Title"))
    link = tables.URLColumn(verbose_name=_("Link"))
    # Links for those who manage events: the rule asked once per table, the
    # links printed by code (a TemplateColumn compiled its template per row).
    edit = tables.Column(verbose_name="", orderable=False, exclude_from_export=True,
                         empty_values=())

    class Meta:
        model = Event
        fields = ("starts_on", "ends_on", "title", "kind", "place", "organiser", "link")
        order_by = ("-starts_on",)

    @cached_property
    def _may_manage(self):
        request = getattr(self, "request", None)
        return request is not None and can_manage_events(request.user)

    def render_edit(self, record):
        if not self._may_manage:
            return ""
        link = '<a href="{}">{}<span class="visually-hidden"> {}</span></a>'
        return format_html(
            link + " " + link,
            reverse("meetings:event_update", args=[record.pk]), _("Edit"), record.title,
            reverse("meetings:event_delete", args=[record.pk]), _("Delete"), record.title)
