"""What meetings add to a person's data export (directory.personal_data):
the scans of attendance sheets that carry their signature; and to their
anonymisation: before the person's name is replaced, every record of
published minutes that shows it gets the name, as the minutes print it, in its
"as published" text field, so that published minutes stay as published."""

from django.db.models import Q

from .models import (
    Attendance,
    Meeting,
    MembershipChange,
    MinutesStatus,
    ProgrammeItem,
    Task,
)


def attendance_scans_of(person):
    """The scans of the attendance sheets of meetings the person attended or
    recorded."""
    meetings = (Meeting.objects.exclude(attendance_scan="")
                .filter(Q(attendance__person=person) | Q(recorded_by=person))
                .distinct().order_by("pk"))
    return [(f"attendance-{m.pk}-{m.attendance_scan.name.rsplit('/', 1)[-1]}",
             m.attendance_scan) for m in meetings]


def freeze_published_names(person, user):
    """Keep the person's name in published minutes as printed (called by
    directory.personal_data.person_anonymise before the name is removed).
    Returns how many records were changed."""
    published = Q(meeting__minutes_status=MinutesStatus.PUBLISHED)
    name = person.full_name
    changed = 0
    for row in (Attendance.objects.filter(published, person=person, name_text="")
                .select_related("organisation")):
        text = person.plain_name
        if row.organisation_id:
            text = f"{text} ({row.organisation.short_name or row.organisation.name})"
        changed += Attendance.objects.filter(pk=row.pk).update(name_text=text)
    changed += ProgrammeItem.objects.filter(published, presenter=person,
                                            presenter_text="").update(presenter_text=name)
    changed += Task.objects.filter(published, owner_person=person,
                                   owner_person_text="").update(owner_person_text=name)
    changed += MembershipChange.objects.filter(published, member=person,
                                               member_text="").update(member_text=name)
    changed += MembershipChange.objects.filter(published, substitute=person,
                                               substitute_text="").update(substitute_text=name)
    meetings = Meeting.objects.published()
    changed += meetings.filter(recorded_by=person, recorded_by_text="").update(
        recorded_by_text=name)
    changed += meetings.filter(verified_by=person, verified_by_text="").update(
        verified_by_text=name)
    return changed


def register():
    from directory import personal_data

    personal_data.register_files(attendance_scans_of)
    personal_data.register_anonymiser(freeze_published_names)
