from django.urls import include, path, register_converter

from core.pagecache import cache_public_list, cache_public_page

from . import views
from .services import PAGE_CACHE


class IndicatorSlugConverter:
    regex = r"[A-Za-z0-9][A-Za-z0-9._-]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class DownloadFormatConverter:
    regex = "csv|xlsx|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(IndicatorSlugConverter, "indicator")
register_converter(DownloadFormatConverter, "download_format")

app_name = "indicators"

public = cache_public_page(PAGE_CACHE)

urlpatterns = [
    path("", cache_public_list(views.IndicatorListView), name="list"),
    path("new/", views.IndicatorCreateView.as_view(), name="create"),
    # Reporting values (Excel template, import) before "<code>/".
    path("report/", include("indicators.urls_import")),
    path("definitions/", include("indicators.urls_definitions")),
    path("<indicator:slug>/", public(views.IndicatorDetailView.as_view()), name="detail"),
    path("<indicator:slug>/data.<download_format:fmt>", views.indicator_download, name="download"),
    path("<indicator:slug>/edit/", views.IndicatorUpdateView.as_view(), name="update"),
    path("<indicator:slug>/values/new/", views.ValueFormView.as_view(), name="value_create"),
    path("<indicator:slug>/values/<int:pk>/edit/", views.ValueFormView.as_view(),
         name="value_update"),
    path("<indicator:slug>/values/<int:pk>/delete/", views.ValueDeleteView.as_view(),
         name="value_delete"),
]
