from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.opendata import Column, Dataset, register

from .models import Project


def _project_rows():
    projects = (Project.objects.published().with_related()
                .prefetch_related("measures__plan", "funding").order_by("registration_number"))
    for project in projects:
        funding = {line.source: line for line in project.funding.all()}
        yield {
            "registration_number": project.registration_number,
            "title": project.title,
            "programme": project.call.programme.name,
            "programme_short_name": project.call.programme.short_name,
            "call": project.call.number,
            "call_as_published": project.call.published_label,
            "initiative": project.call.initiative,
            "implementer": project.implementer.name if project.implementer else "",
            "implementer_ico": project.implementer.ico if project.implementer else "",
            "implementer_as_published": project.implementer_text,
            "measures": ";".join(f"{m.plan.code}:{m.code}" for m in project.measures.all()),
            "measure_ids": ";".join(str(m.pk) for m in project.measures.all()),
            "measure_code_as_published": project.measure_code_published,
            "thematic_area": (f"{project.thematic_area.code} {project.thematic_area.title}"
                              if project.thematic_area else ""),
            "area_as_published": project.area_text,
            "period_start": project.period_start.isoformat() if project.period_start else None,
            "period_end": project.period_end.isoformat() if project.period_end else None,
            "status": project.status,
            "total_budget": str(project.total_budget),
            "funding_city": str(funding["city"].amount) if "city" in funding else None,
            "funding_esf": str(funding["esf"].amount) if "esf" in funding else None,
            "funding_state": str(funding["state"].amount) if "state" in funding else None,
            "funding": ";".join(
                f"{line.source}:{format(line.percent.normalize(), 'f')}%:{line.amount}"
                for line in project.funding.all()),
            "source": project.source,
            "url": reverse("projects:project_detail", args=[project.pk]),
        }


def register_datasets():
    register(Dataset(
        slug="projects",
        title=_("Projects"),
        description=_("EU-funded projects that carry out the measures of the city's plans: "
                      "programme, call, implementer, linked measures and budget. Amounts in "
                      "CZK with two decimal places, exactly as recorded."),
        columns=(
            Column("registration_number", "string", _("Registration number of the project")),
            Column("title", "string", _("Title")),
            Column("programme", "string", _("Funding programme")),
            Column("programme_short_name", "string", _("Abbreviation of the programme")),
            Column("call", "string", _("Number of the call")),
            Column("call_as_published", "string", _("Call as the source prints it, e.g. 018 OPZ+")),
            Column("initiative", "string", _("Initiative the call belongs to, e.g. KPSV+")),
            Column("implementer", "string", _("Implementing organisation")),
            Column("implementer_ico", "string", _("IČO of the implementing organisation")),
            Column("implementer_as_published", "string", _("Implementer as the source prints it")),
            Column("measures", "list", _("Linked measures as plan:code, separated by ;")),
            Column("measure_ids", "list",
                   _("Linked measures by their id in the measures dataset, separated by ; "
                     "(a code may be printed for more than one measure)")),
            Column("measure_code_as_published", "string",
                   _("Code of the measure as the list of projects (Appendix A of the "
                     "evaluation) prints it")),
            Column("thematic_area", "string", _("Thematic area of the plan")),
            Column("area_as_published", "string", _("Thematic area as the source prints it")),
            Column("period_start", "date", _("Start of the project")),
            Column("period_end", "date", _("End of the project")),
            Column("status", "string", _("prepared, in_progress, completed or withdrawn")),
            Column("total_budget", "decimal", _("Total eligible expenditure in CZK")),
            Column("funding_city", "decimal", _("Funding from the city budget in CZK")),
            Column("funding_esf", "decimal", _("Funding from the European Social Fund in CZK")),
            Column("funding_state", "decimal", _("Funding from the state budget in CZK")),
            Column("funding", "list", _("All funding sources as source:share%:amount, "
                                        "separated by ;")),
            Column("source", "string", _("Document the record comes from")),
            Column("url", "url", _("Page in this portal (path)")),
        ),
        rows=_project_rows,
    ))
