from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from core.opendata import Column, Dataset, path_maker, register

from .models import Meeting


def _meeting_rows():
    """One query, read with `.values()`: the last day is the latest of the days."""
    link, pdf = path_maker("meetings:detail"), path_maker("meetings:pdf")
    meetings = (Meeting.objects.published().annotate(end_date=Max("days__date"))
                .order_by("starts_on", "pk")
                .values("pk", "starts_on", "end_date", "body__name", "body__code", "kind",
                        "title", "place_name", "place_room", "place_address"))
    for m in meetings.iterator(chunk_size=2000):
        yield {
            "date": m["starts_on"].isoformat() if m["starts_on"] else "",
            "end_date": m["end_date"].isoformat() if m["end_date"] else "",
            "body": m["body__name"],
            "body_code": m["body__code"],
            "kind": m["kind"],
            "title": m["title"],
            "place": ", ".join(p for p in (m["place_name"], m["place_room"], m["place_address"])
                               if p),
            "link": link(m["pk"]),
            "minutes_pdf": pdf(m["pk"]),
        }


def register_datasets():
    register(Dataset(
        slug="meetings",
        title=_("Meetings and minutes"),
        description=_("Meetings of working groups, the managerial team and platforms whose "
                      "minutes are published."),
        keywords=(_("meetings"), _("minutes"), _("working groups"), _("community planning")),
        themes=("SOCI", "GOVE"),
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
