"""Reporting values: the Excel template and the import (indicators.views_import).
/indicators/report/ itself is config.urls' "reporting_home"."""

from django.urls import path

from . import views_import

urlpatterns = [
    path("template.xlsx", views_import.TemplateDownloadView.as_view(), name="template"),
    path("import/", views_import.ImportView.as_view(), name="import"),
    path("<uuid:batch>/confirm/", views_import.ImportConfirmView.as_view(),
         name="import_confirm"),
]
