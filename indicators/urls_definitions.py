"""Indicator definitions as a workbook: export, template, import (officers)."""

from django.urls import path

from . import views_definitions

urlpatterns = [
    path("", views_definitions.DefinitionImportView.as_view(), name="definitions_import"),
    path("export.xlsx", views_definitions.DefinitionExportView.as_view(),
         name="definitions_export"),
    path("template.xlsx", views_definitions.DefinitionTemplateView.as_view(),
         name="definitions_template"),
    path("<uuid:batch>/confirm/", views_definitions.DefinitionConfirmView.as_view(),
         name="definitions_confirm"),
]
