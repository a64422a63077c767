import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Event, Meeting


class MinutesTable(tables.Table):
    starts_on = tables.DateColumn(verbose_name=_("Date"), format="j. n. Y", linkify=True)
    body = tables.Column(verbose_name=_("Body"), accessor="body__name",
                         order_by=("body__name", "-starts_on"))
    kind = tables.Column(verbose_name=_("Kind"))
    title = tables.Column(verbose_name=_("Title"))
    place_name = tables.Column(verbose_name=_("Place"))

    class Meta:
        model = Meeting
        fields = ("starts_on", "body", "kind", "title", "place_name")
        order_by = ("-starts_on",)

    def value_starts_on(self, value):
        return value.isoformat() if value else ""


class EventTable(tables.Table):
    starts_on = tables.DateColumn(verbose_name=_("From"), format="j. n. Y")
    ends_on = tables.DateColumn(verbose_name=_("To"), format="j. n. Y")
    title = tables.Column(verbose_name=_("Title"))
    link = tables.URLColumn(verbose_name=_("Link"))
    edit = tables.TemplateColumn(
        verbose_name="", orderable=False, exclude_from_export=True,
        template_code='{% load i18n portal %}{% can "manage_events" as ok %}{% if ok %}'
                      '<a href="{% url "meetings:event_update" record.pk %}">'
                      '{% translate "Edit" %}<span class="visually-hidden"> {{ record.title }}'
                      '</span></a> '
                      '<a href="{% url "meetings:event_delete" record.pk %}">'
                      '{% translate "Delete" %}<span class="visually-hidden"> {{ record.title }}'
                      '</span></a>{% endif %}',
    )

    class Meta:
        model = Event
        fields = ("starts_on", "ends_on", "title", "kind", "place", "organiser", "link")
        order_by = ("-starts_on",)
