import datetime

from meetings import services as meeting_services


def submitted_minutes(manager, group):
    meeting = meeting_services.meeting_create(
        actor=manager, body=group, days=[(datetime.date(2025, 1, 16), None, None)],
        place_name="Nová radnice")
    meeting_services.minutes_item_create(actor=manager, meeting=meeting, title="Různé",
                                         text_html="<p>Text</p>")
    return meeting_services.minutes_submit(actor=manager, meeting=meeting)


def published_minutes(manager, contact, group):
    return meeting_services.minutes_publish(actor=contact,
                                            meeting=submitted_minutes(manager, group))
