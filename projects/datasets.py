from django.utils.translation import gettext_lazy as _

from core.formats import plain_number
from core.opendata import Column, Dataset, path_maker, register

from .models import FundingSource, Project

_CHUNK = 2000


def _money(value):
    return None if value is None else format(value, "f")


def _project_rows():
    """Three queries, read with `.values()`: the projects, their measures,
    their funding lines."""
    url = path_maker("projects:project_detail")
    published = Project.objects.published()
    measures, funding = {}, {}
    measure_ids = {}
    links = (Project.measures.through.objects.filter(project__is_published=True)
             .order_by("project_id", "planitem__plan_id", "planitem__parent_id",
                       "planitem__position", "planitem__sort_key", "planitem_id")
             .values_list("project_id", "planitem__plan__code", "planitem__code", "planitem_id"))
    for project_id, plan_code, code, item_id in links.iterator(chunk_size=_CHUNK):
        measures.setdefault(project_id, []).append(f"{plan_code}:{code}")
        measure_ids.setdefault(project_id, []).append(str(item_id))
    lines = (FundingSource.objects.filter(project__is_published=True)
             .order_by("project_id", "position", "id")
             .values_list("project_id", "source", "percent", "amount"))
    for project_id, source, percent, amount in lines.iterator(chunk_size=_CHUNK):
        funding.setdefault(project_id, []).append((source, percent, amount))
    rows = published.order_by("registration_number").values(
        "pk", "registration_number", "title", "call__programme__name",
        "call__programme__short_name", "call__number", "call__published_label",
        "call__initiative", "implementer__name", "implementer__ico", "implementer_text",
        "measure_code_published", "thematic_area__code", "thematic_area__title", "area_text",
        "period_start", "period_end", "status", "total_budget", "source")
    for p in rows.iterator(chunk_size=_CHUNK):
        lines = funding.get(p["pk"], ())
        by_source = {source: amount for source, _percent, amount in lines}
        yield {
            "registration_number": p["registration_number"],
            "title": p["title"],
            "programme": p["call__programme__name"],
            "programme_short_name": p["call__programme__short_name"],
            "call": p["call__number"],
            "call_as_published": p["call__published_label"],
            "initiative": p["call__initiative"],
            "implementer": p["implementer__name"] or "",
            "implementer_ico": p["implementer__ico"] or "",
            "implementer_as_published": p["implementer_text"],
            "measures": ";".join(measures.get(p["pk"], ())),
            "measure_ids": ";".join(measure_ids.get(p["pk"], ())),
            "measure_code_as_published": p["measure_code_published"],
            "thematic_area": (f"{p['thematic_area__code']} {p['thematic_area__title']}"
                              if p["thematic_area__title"] is not None else ""),
            "area_as_published": p["area_text"],
            "period_start": p["period_start"].isoformat() if p["period_start"] else None,
            "period_end": p["period_end"].isoformat() if p["period_end"] else None,
            "status": p["status"],
            "total_budget": _money(p["total_budget"]),
            "funding_city": _money(by_source.get("city")),
            "funding_esf": _money(by_source.get("esf")),
            "funding_state": _money(by_source.get("state")),
            "funding": ";".join(f"{source}:{plain_number(percent)}%:{_money(amount)}"
                                for source, percent, amount in lines),
            "source": p["source"],
            "url": url(p["pk"]),
        }


def register_datasets():
    register(Dataset(
        slug="projects",
        title=_("Projects"),
        description=_("EU-funded projects that carry out the measures of the city's plans: "
                      "programme, call, implementer, linked measures and budget. Amounts in "
                      "CZK with two decimal places, exactly as recorded."),
        keywords=(_("projects"), _("EU funds"), _("social services"), _("social inclusion")),
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
