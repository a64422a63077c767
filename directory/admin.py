from django.contrib import admin

from . import services
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

    def save_model(self, request, obj, form, change):
        """Through the services, so that the audit trail names the administrator."""
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            services.territory_update(actor=request.user,
                                      territory=Territory.objects.get(pk=obj.pk), **data)
        else:
            obj.pk = services.territory_create(actor=request.user, **form.cleaned_data).pk


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    """The portal's own page (directory:city_settings) audits every change and
    checks the logo; the admin shows the row and edits the plain fields."""

    list_display = ("name", "full_name", "department", "home_territory", "document_language",
                    "currency")
    readonly_fields = ("logo", "logo_type", "version")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not City.objects.exists()

    def save_model(self, request, obj, form, change):
        """Through the service: audited with the administrator, pages refreshed."""
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            services.city_save(actor=request.user, city=City.objects.get(pk=obj.pk), **data)
        else:
            obj.pk = services.city_save(actor=request.user, **form.cleaned_data).pk
