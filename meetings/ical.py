"""iCalendar (RFC 5545) feeds of meetings and events, written by hand: CRLF
line ends, lines folded at 75 octets (never inside a UTF-8 character), text
escaped, a stable UID and a DTSTAMP per component, local times with
TZID=Europe/Prague and its VTIMEZONE; all-day entries as DATE values."""

import datetime

from django.utils import timezone

PRODID = "-//Komunitni planovani socialnich sluzeb//Portal//CS"
UID_DOMAIN = "kp-portal"

VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Prague",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text):
    text = str(text or "")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line):
    """Fold a content line into chunks of at most 75 octets."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        n = len(char.encode("utf-8"))
        if size + n > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with a space
        current.append(char)
        size += n
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _date(value):
    return value.strftime("%Y%m%d")


def _local(day, time):
    return datetime.datetime.combine(day, time).strftime("%Y%m%dT%H%M%S")


def _stamp():
    return timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _timing(first, last, start, end):
    """DTSTART/DTEND lines for one span."""
    if start:
        end_time = end or (datetime.datetime.combine(first, start)
                           + datetime.timedelta(hours=2)).time()
        end_day = last if end else first
        if not end and end_time < start:
            end_day = first + datetime.timedelta(days=1)
        return [f"DTSTART;TZID=Europe/Prague:{_local(first, start)}",
                f"DTEND;TZID=Europe/Prague:{_local(end_day, end_time)}"]
    return [f"DTSTART;VALUE=DATE:{_date(first)}",
            f"DTEND;VALUE=DATE:{_date(last + datetime.timedelta(days=1))}"]


def meeting_component(meeting, *, url, stamp=None):
    """The meeting's VEVENT lines. A meeting held on several days with times
    is one event per day (each day's own hours, UIDs `meeting-ID-N`), never one
    event from the first morning to the last afternoon; days without times are
    one all-day event over the days."""
    days = list(meeting.days.all())
    first, last = days[0], days[-1]
    summary = meeting.body.name
    if meeting.title:
        summary = f"{summary} – {meeting.title}"
    if len(days) > 1 and any(day.start_time for day in days):
        spans = [(f"meeting-{meeting.pk}-{n}", day.date, day.date, day.start_time,
                  day.end_time, f"{summary} ({n}/{len(days)})")
                 for n, day in enumerate(days, start=1)]
    else:
        spans = [(f"meeting-{meeting.pk}", first.date, last.date, first.start_time,
                  last.end_time if first.start_time else None, summary)]
    lines = []
    for uid, start_day, end_day, start, end, title in spans:
        lines += _meeting_event(meeting, uid=uid, timing=_timing(start_day, end_day, start, end),
                                summary=title, url=url, stamp=stamp)
    return lines


def _meeting_event(meeting, *, uid, timing, summary, url, stamp):
    lines = ["BEGIN:VEVENT", f"UID:{uid}@{UID_DOMAIN}", f"DTSTAMP:{stamp or _stamp()}"]
    lines += timing
    lines.append(f"SUMMARY:{escape(summary)}")
    if meeting.place_text:
        lines.append(f"LOCATION:{escape(meeting.place_text)}")
    if meeting.latitude is not None and meeting.longitude is not None:
        lines.append(f"GEO:{meeting.latitude};{meeting.longitude}")
    lines.append(f"DESCRIPTION:{escape(str(meeting.get_kind_display()))}")
    lines.append(f"URL:{url}")
    status = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}
    lines.append(f"STATUS:{status.get(meeting.status, 'CONFIRMED')}")
    lines.append("END:VEVENT")
    return lines


def event_component(event, *, stamp=None):
    lines = ["BEGIN:VEVENT", f"UID:event-{event.pk}@{UID_DOMAIN}",
             f"DTSTAMP:{stamp or _stamp()}"]
    lines += _timing(event.starts_on, event.ends_on or event.starts_on, event.start_time,
                     event.end_time)
    lines.append(f"SUMMARY:{escape(event.title)}")
    if event.place:
        lines.append(f"LOCATION:{escape(event.place)}")
    description = " · ".join(p for p in (event.organiser, event.description) if p)
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if event.link:
        lines.append(f"URL:{event.link}")
    lines.append("END:VEVENT")
    return lines


def calendar(components, *, name):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}", "X-WR-TIMEZONE:Europe/Prague",
             *VTIMEZONE]
    for component in components:
        lines += component
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
