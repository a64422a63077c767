from django.contrib import admin

from .models import GroupNeed, Membership, Organisation, Person, SupportArea, WorkingGroup


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
