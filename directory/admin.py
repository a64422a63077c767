from django.contrib import admin

from .models import (
    City,
    GroupNeed,
    Membership,
    Organisation,
    Person,
    SupportArea,
    Territory,
    WorkingGroup,
)


@admin.register(SupportArea)
class SupportAreaAdmin(admin.ModelAdmin):
    list_display = ("numeral", "name", "position")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "legal_form", "kind", "ico")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "ico")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("family_name", "given_name", "title_before", "title_after", "organisation")
    search_fields = ("family_name", "given_name", "email")
    list_select_related = ("organisation",)


class GroupNeedInline(admin.TabularInline):
    model = GroupNeed
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organisation", "member", "substitute")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "manager", "contact_person", "status")
    list_filter = ("kind", "status")
    search_fields = ("name", "code")
    inlines = [GroupNeedInline, MembershipInline]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "code", "kind", "official_code", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code", "official_code")
    list_select_related = ("parent",)


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    """The portal's own page (directory:city_settings) audits every change and
    checks the logo; the admin shows the row and edits the plain fields."""

    list_display = ("name", "full_name", "department", "home_territory", "document_language",
                    "currency")
    readonly_fields = ("logo", "logo_type", "version")
