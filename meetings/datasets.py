from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.opendata import Column, Dataset, register

from .models import Meeting, MeetingDay


def _meeting_rows():
    meetings = (Meeting.objects.published().select_related("body")
                .prefetch_related(Prefetch("days", queryset=MeetingDay.objects.order_by("date")))
                .order_by("starts_on", "pk"))
    for m in meetings:
        days = list(m.days.all())
        yield {
            "date": m.starts_on.isoformat() if m.starts_on else "",
            "end_date": days[-1].date.isoformat() if days else "",
            "body": m.body.name,
            "body_code": m.body.code,
            "kind": m.kind,
            "title": m.title,
            "place": m.place_text,
            "link": reverse("meetings:detail", args=[m.pk]),
            "minutes_pdf": reverse("meetings:pdf", args=[m.pk]),
        }


def register_datasets():
    register(Dataset(
        slug="meetings",
        title=_("Meetings and minutes"),
        description=_("Meetings of working groups, the managerial team and platforms whose "
                      "minutes are published."),
        columns=(
            Column("date", "date", _("First day of the meeting (ISO 8601)")),
            Column("end_date", "date", _("Last day of the meeting (ISO 8601)")),
            Column("body", "string", _("Working group, managerial team or platform")),
            Column("body_code", "string", _("Short code of the body, e.g. DaR")),
            Column("kind", "string", _("regular, thematic, workshop, planning or other")),
            Column("title", "string", _("Title, when the meeting has one")),
            Column("place", "string", _("Place, room and address")),
            Column("link", "url", _("Minutes in this portal (path)")),
            Column("minutes_pdf", "url", _("Minutes as PDF (path)")),
        ),
        rows=_meeting_rows,
    ))
