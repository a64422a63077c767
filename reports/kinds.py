"""Every kind of report the portal renders, one entry each: how to read its
parameters, its title and file name, and how to build its HTML. The Celery
task, the `render_report` command and the benchmark all go through
`render(kind, parameters)`, so there is one code path."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from meetings.documents import minutes_pdf_html, participation_chapter_html
from meetings.models import Meeting
from network.documents import evaluation_pdf_html
from planning.models import Plan
from projects import selectors as project_selectors
from projects.documents import project_card_html

from .interim import interim_html
from .models import EvaluationText, ReportKind


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    title: str
    file_name: str

    @property
    def checksum(self):
        return hashlib.sha256(self.pdf).hexdigest()


def _plan(parameters):
    code = parameters.get("plan")
    plan = Plan.objects.filter(code=code).first() if code else None
    if plan is None:
        raise ValidationError({"plan": _("Unknown plan “%(code)s”.") % {"code": code}})
    return plan


def _interim(parameters, progress):
    plan = _plan(parameters)
    year = parameters.get("year")
    html = interim_html(plan, year=year, progress=progress)
    texts = EvaluationText.objects.filter(plan=plan).order_by("-year")
    text = (texts.filter(year=year) if year else texts).first()
    if text is not None:
        title = f"{text.title} – {plan.title}"
    else:
        title = _("Interim evaluation of %(plan)s") % {"plan": plan.title}
    if year:
        title = f"{title} ({year})"
    return html, title, f"{plan.code}-interim-evaluation{f'-{year}' if year else ''}.pdf"


def _minutes(parameters, progress):
    """The public minutes, as the meeting's own PDF download renders them."""
    meeting = Meeting.objects.filter(pk=parameters.get("meeting")).first()
    if meeting is None:
        raise ValidationError({"meeting": _("Unknown meeting.")})
    progress(30, _("Writing the minutes"))
    return minutes_pdf_html(meeting), str(meeting), f"minutes-{meeting.pk}.pdf"


def _project_card(parameters, progress):
    project = project_selectors.project_detail_queryset().filter(
        registration_number=parameters.get("project")).first()
    if project is None:
        raise ValidationError({"project": _("Unknown project.")})
    progress(30, _("Writing the project card"))
    return (project_card_html(project), project.title,
            f"project-{project.registration_number.replace('/', '-').replace('.', '-')}.pdf")


def _yearly_evaluation(parameters, progress):
    """The services, clients, funding and capacities of a year (the year
    before this one when not given: what a schedule in January renders)."""
    try:
        year = int(parameters.get("year") or timezone.localdate().year - 1)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    code = parameters.get("plan")
    plan = Plan.objects.filter(code=code).first() if code else None
    progress(30, _("Counting the network"))
    title = _("Yearly evaluation of the community plan %(year)s") % {"year": year}
    progress(45, _("Counting the participation in the bodies' meetings"))
    html = evaluation_pdf_html(year, plan_title=plan.title if plan else "",
                               chapters=[participation_chapter_html(year)])
    return html, title, f"yearly-evaluation-{year}.pdf"


BUILDERS = {
    ReportKind.INTERIM_EVALUATION: _interim,
    ReportKind.MINUTES: _minutes,
    ReportKind.PROJECT_CARD: _project_card,
    ReportKind.YEARLY_EVALUATION: _yearly_evaluation,
}

# What each kind needs, for `render_report --help` and the request form.
PARAMETERS = {
    ReportKind.INTERIM_EVALUATION: "plan (code), year (optional)",
    ReportKind.MINUTES: "meeting (id)",
    ReportKind.PROJECT_CARD: "project (registration number)",
    ReportKind.YEARLY_EVALUATION: "year (optional, default last year), plan (code, optional)",
}


def _no_progress(percent, message):
    pass


def render(kind, parameters, progress=None) -> Rendered:
    """The PDF of one report. `progress(percent, message)` hears each stage."""
    progress = progress or _no_progress
    progress(5, _("Collecting the data"))
    html, title, file_name = BUILDERS[ReportKind(kind)](parameters, progress)
    progress(60, _("Laying out the pages"))
    pdf, pages = render_pdf(html)
    progress(95, _("Storing the file"))
    return Rendered(pdf=pdf, pages=pages, title=title, file_name=file_name)
