import django_tables2 as tables
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.tables import FastCellsMixin

from .models import Organisation, Person, Territory, WorkingGroup


class OrganisationTable(tables.Table):
    name = tables.Column(linkify=True)
    active_group_count = tables.Column(verbose_name=_("Groups"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Organisation
        fields = ("name", "short_name", "legal_form", "kind", "ico", "web", "active_group_count")
        order_by = ("name",)


class PersonTable(tables.Table):
    family_name = tables.Column(
        verbose_name=_("Full name"), linkify=True, order_by=("family_name", "given_name")
    )
    organisation = tables.Column(linkify=True)

    class Meta:
        model = Person
        fields = ("family_name", "organisation", "email", "phone")
        order_by = ("family_name",)

    def render_family_name(self, record):
        return record.full_name

    def value_family_name(self, record):
        return record.full_name


class WorkingGroupTable(FastCellsMixin, tables.Table):
    name = tables.Column(linkify=True)
    support_areas = tables.ManyToManyColumn(verbose_name=_("Support areas"), orderable=False,
                                             transform=lambda area: area.numeral)
    manager = tables.Column()
    contact_person = tables.Column()
    current_member_count = tables.Column(verbose_name=_("Members"), attrs={"td": {"class": "num"}})

    class Meta:
        model = WorkingGroup
        fields = ("name", "code", "kind", "support_areas", "manager", "contact_person",
                  "current_member_count", "status")
        order_by = ("kind", "name")

    def fast_cells(self, record):
        areas = record.support_areas.all()
        return {
            "name": self.link("name", self.url_for("directory:group_detail", record.code),
                              record.name),
            "code": self.plain("code", record.code),
            "kind": self.plain("kind", self.choice_label(WorkingGroup, "kind", record.kind)),
            "support_areas": mark_safe(", ".join(  # noqa: S308 - each numeral escaped
                conditional_escape(area.numeral) for area in areas))
            if areas else self.empty("support_areas"),
            "manager": self.plain("manager", record.manager),
            "contact_person": self.plain("contact_person", record.contact_person),
            "current_member_count": self.plain("current_member_count",
                                               record.current_member_count),
            "status": self.plain("status", self.choice_label(WorkingGroup, "status",
                                                             record.status)),
        }


class TerritoryTable(tables.Table):
    name = tables.Column(linkify=("directory:territory_update", {"pk": tables.A("pk")}))
    parent = tables.Column()

    class Meta:
        model = Territory
        fields = ("name", "short_name", "code", "kind", "official_code", "parent")
        order_by = ("kind", "name")
