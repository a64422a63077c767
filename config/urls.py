from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from rounds.views import ReportingHomeView

admin.site.site_header = _("Community planning portal – administration")
admin.site.site_title = _("Community planning portal")

urlpatterns = [
    path("", include("core.urls")),
    path("", include("directory.urls")),
    path("", include("planning.urls")),
    # The old "who still has to report" page; the rounds' overview replaced it.
    path("indicators/report/", ReportingHomeView.as_view(), name="reporting_home"),
    path("indicators/", include("indicators.urls")),
    path("meetings/", include("meetings.urls")),
    path("projects/", include("projects.urls")),
    path("network/", include("network.urls")),
    path("rounds/", include("rounds.urls")),
    path("reports/", include("reports.urls")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
