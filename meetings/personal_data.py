"""What meetings add to a person's data export (directory.personal_data):
the scans of attendance sheets that carry their signature."""

from django.db.models import Q

from .models import Meeting


def attendance_scans_of(person):
    """The scans of the attendance sheets of meetings the person attended or
    recorded."""
    meetings = (Meeting.objects.exclude(attendance_scan="")
                .filter(Q(attendance__person=person) | Q(recorded_by=person))
                .distinct().order_by("pk"))
    return [(f"attendance-{m.pk}-{m.attendance_scan.name.rsplit('/', 1)[-1]}",
             m.attendance_scan) for m in meetings]


def register():
    from directory import personal_data

    personal_data.register_files(attendance_scans_of)
