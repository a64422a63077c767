"""Reporting values: overview, Excel template and import (indicators.views_import)."""

from django.urls import path

from . import views_import

urlpatterns = [
    path("", views_import.ReportOverviewView.as_view(), name="report"),
    path("template.xlsx", views_import.TemplateDownloadView.as_view(), name="template"),
    path("import/", views_import.ImportView.as_view(), name="import"),
    path("<uuid:batch>/confirm/", views_import.ImportConfirmView.as_view(),
         name="import_confirm"),
]
