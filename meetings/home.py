"""The meetings' part of the home page (core/home.py): the next announced
meetings and the latest published minutes, two queries."""

from django.utils import timezone

from core.home import HomeSection, register

from .models import Meeting, MeetingStatus

SHOWN = 5


def context(request):
    today = timezone.localdate()
    upcoming = (Meeting.objects.announced()
                .filter(status=MeetingStatus.PLANNED, starts_on__gte=today)
                .select_related("body").order_by("starts_on", "pk")[:SHOWN])
    minutes = (Meeting.objects.published().select_related("body")
               .order_by("-starts_on", "-pk")[:SHOWN])
    return {"upcoming": list(upcoming), "minutes": list(minutes)}


def register_home():
    register(HomeSection(key="meetings", order=10, template="meetings/_home.html",
                         context=context))
