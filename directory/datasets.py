from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.opendata import Column, Dataset, register

from . import selectors


def _organisation_rows():
    for org in selectors.organisation_list().order_by("name"):
        yield {
            "id": org.pk,
            "name": org.name,
            "short_name": org.short_name,
            "legal_form": org.legal_form,
            "kind": org.kind,
            "ico": org.ico,
            "web": org.web,
            "address": org.address,
            "active_group_count": org.active_group_count,
            "url": reverse("directory:organisation_detail", args=[org.pk]),
        }


def _group_rows():
    for group in selectors.working_group_list().order_by("kind", "name"):
        yield {
            "code": group.code,
            "name": group.name,
            "kind": group.kind,
            "status": group.status,
            "support_areas": ";".join(a.numeral for a in group.support_areas.all()),
            "manager": group.manager.full_name if group.manager else "",
            "contact_person": group.contact_person.full_name if group.contact_person else "",
            "current_member_count": group.current_member_count,
            "url": reverse("directory:group_detail", args=[group.code]),
        }


def register_datasets():
    register(Dataset(
        slug="organisations",
        title=_("Organisations"),
        description=_("Organisations taking part in community planning: providers of "
                      "social services, city districts and city bodies."),
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
