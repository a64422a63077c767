import datetime

import factory

from meetings.models import (
    Attendance,
    Meeting,
    MeetingDay,
    MeetingStatus,
    MinutesItem,
    MinutesStatus,
    ProgrammeItem,
    Task,
)
from tests.directory.factories import WorkingGroupFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting with one day (`day`, default 2025-01-16 13:00–15:00)."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    body = factory.SubFactory(WorkingGroupFactory)
    status = MeetingStatus.HELD
    place_name = "Magistrát města Ostravy"
    place_address = "Prokešovo nám. 8"
    place_room = "504"
    minutes_status = MinutesStatus.DRAFT
    published_at = factory.LazyAttribute(
        lambda o: datetime.datetime(2025, 2, 1, 10, tzinfo=datetime.UTC)
        if o.minutes_status == MinutesStatus.PUBLISHED else None)

    @factory.post_generation
    def day(self, create, extracted, **kwargs):
        if not create:
            return
        day = extracted or datetime.date(2025, 1, 16)
        MeetingDay.objects.create(meeting=self, date=day, start_time=datetime.time(13),
                                  end_time=datetime.time(15))
        Meeting.objects.filter(pk=self.pk).update(starts_on=day)
        self.starts_on = day

    @classmethod
    def with_minutes(cls, **kwargs):
        meeting = cls(**kwargs)
        ProgrammeItem.objects.create(meeting=meeting, position=1, title="Organizační záležitosti")
        item = MinutesItem.objects.create(meeting=meeting, position=1,
                                          title="Organizační záležitosti",
                                          text_html="<p>Manažer PS požádal o doplnění.</p>")
        Attendance.objects.create(meeting=meeting, name_text="Adra", presence="excused")
        Task.objects.create(meeting=meeting, item=item, description="Zpracovat tabulku",
                            owner_text="potenciální nositel",
                            deadline=datetime.date(2025, 3, 20))
        from meetings.services import refresh_meeting

        refresh_meeting(meeting)
        meeting.refresh_from_db()
        return meeting
