"""The open datasets `organisations` and `working-groups`, read with
`.values()` (no model instances): one query for organisations, two for
groups (the groups, their support areas)."""

from django.utils.translation import gettext_lazy as _

from core.opendata import Column, Dataset, path_maker, register

from . import selectors
from .models import WorkingGroup, anonymous_label, full_name

_CHUNK = 2000


def _organisation_rows():
    url = path_maker("directory:organisation_detail")
    rows = (selectors.organisation_list().order_by("name", "pk")
            .values("id", "name", "short_name", "legal_form", "kind", "ico", "web", "address",
                    "active_group_count"))
    for row in rows.iterator(chunk_size=_CHUNK):
        row["url"] = url(row["id"])
        yield row


def _person(row, prefix):
    if row[f"{prefix}__family_name"] is None:
        return ""
    if row[f"{prefix}__anonymised_at"] is not None:
        return anonymous_label(row[f"{prefix}__organisation__short_name"]
                               or row[f"{prefix}__organisation__name"])
    return full_name(*(row[f"{prefix}__{part}"] for part in _NAME_PARTS[:4]))


_NAME_PARTS = ("title_before", "given_name", "family_name", "title_after", "anonymised_at",
               "organisation__short_name", "organisation__name")


def _group_rows():
    url = path_maker("directory:group_detail")
    areas = {}
    links = (WorkingGroup.support_areas.through.objects
             .order_by("workinggroup_id", "supportarea__position", "supportarea_id")
             .values_list("workinggroup_id", "supportarea__numeral"))
    for group_id, numeral in links.iterator(chunk_size=_CHUNK):
        areas.setdefault(group_id, []).append(numeral)
    names = [f"{who}__{part}" for who in ("manager", "contact_person") for part in _NAME_PARTS]
    rows = (WorkingGroup.objects.with_current_member_count().order_by("kind", "name", "pk")
            .values("id", "code", "name", "kind", "status", "current_member_count", *names))
    for row in rows.iterator(chunk_size=_CHUNK):
        yield {
            "code": row["code"],
            "name": row["name"],
            "kind": row["kind"],
            "status": row["status"],
            "support_areas": ";".join(areas.get(row["id"], ())),
            "manager": _person(row, "manager"),
            "contact_person": _person(row, "contact_person"),
            "current_member_count": row["current_member_count"],
            "url": url(row["code"]),
        }


def register_datasets():
    register(Dataset(
        slug="organisations",
        title=_("Organisations"),
        description=_("Organisations taking part in community planning: providers of "
                      "social services, city districts and city bodies."),
        keywords=(
            _("organisations"),
            _("providers of social services"),
            _("social services"),
            _("community planning"),
        ),
        columns=(
            Column("id", "integer", _("Identifier in this portal")),
            Column("name", "string", _("Name as published")),
            Column("short_name", "string", _("Short name or abbreviation")),
            Column("legal_form", "string", _("Legal form as published, e.g. z.s., o.p.s.")),
            Column("kind", "string", _("ngo, city_district, city_body, school or other")),
            Column("ico", "string", _("Company identification number (IČO), 8 digits")),
            Column("web", "url", _("Web site")),
            Column("address", "string", _("Address")),
            Column("active_group_count", "integer",
                   _("Number of bodies the organisation currently has a seat in")),
            Column("url", "url", _("Page in this portal (path)")),
        ),
        rows=_organisation_rows,
    ))
    register(Dataset(
        slug="working-groups",
        title=_("Working groups"),
        description=_("Working groups, the managerial team and platforms of community "
                      "planning, with their managers and contact persons."),
        keywords=(_("working groups"), _("community planning"), _("social services")),
        themes=("SOCI", "GOVE"),
        personal_data=True,  # the names of managers and contact persons
        columns=(
            Column("code", "string", _("Short code, e.g. DaR")),
            Column("name", "string", _("Name")),
            Column("kind", "string", _("working_group, managerial_team or platform")),
            Column("status", "string", _("active or archived")),
            Column("support_areas", "list",
                   _("Support areas I-IX the group covers, separated by semicolons")),
            Column("manager", "string", _("Group manager, with academic titles")),
            Column("contact_person", "string", _("Contact person at the city, with titles")),
            Column("current_member_count", "integer", _("Number of current seats")),
            Column("url", "url", _("Page in this portal (path)")),
        ),
        rows=_group_rows,
    ))
