from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "email", "is_superuser", "is_city_officer",
                    "implementer_organisation", "person", "is_active")
    list_filter = ("is_superuser", "is_city_officer", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Portal roles"), {"fields": ("person", "is_city_officer", "implementer_organisation")}),
    )
    autocomplete_fields = ("person", "implementer_organisation")
