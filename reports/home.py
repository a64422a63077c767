"""The reports' part of the home page (core/home.py): the latest published
reports, one query."""

from core.home import HomeSection, register

from .models import ReportJob

SHOWN = 3


def context(request):
    reports = ReportJob.objects.published().order_by("-published_at", "-pk")[:SHOWN]
    return {"reports": list(reports)}


def register_home():
    register(HomeSection(key="reports", order=20, template="reports/_home.html",
                         context=context))
