"""Django's admin, for administrators whose session passed the second factor.

The middleware already sends an unverified administrator to the code page;
this check holds even where the middleware does not run (e.g. a project that
mounts the admin elsewhere), so the admin never relies on the gate alone."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from . import permissions


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        user = request.user
        return (
            super().has_permission(request)
            and not permissions.must_set_up_second_factor(user)
            and not permissions.needs_second_factor(user)
        )


class PortalAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.PortalAdminSite"
