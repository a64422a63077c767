from django.urls import path

from . import autocomplete, language, views, views_audit
from .imports.urls import urlpatterns as import_urls
from .pagecache import cache_public_page

app_name = "core"

urlpatterns = [
    path("", cache_public_page()(views.HomeView.as_view()), name="home"),
    path("language/", language.switch_language, name="switch_language"),
    path("data/", cache_public_page()(views.DataCatalogueView.as_view()), name="data_catalogue"),
    # Every CSV with its Table Schema, for Frictionless validators (core/datapackage.py);
    # before <slug>.json, which would take it for a dataset.
    path("data/datapackage.json", views.data_package, name="datapackage"),
    path("data/<slug:slug>.csv", views.dataset_csv, name="dataset_csv"),
    path("data/<slug:slug>.json", views.dataset_json, name="dataset_json"),
    path("data/opendata.zip", views.dataset_zip, name="dataset_zip"),
    # The local catalogue (LKOD) for the national catalogue, and the CSV on the
    # Web metadata of each CSV (core/lkod.py).
    path("data/<slug:slug>.csv-metadata.json", views.dataset_csvw, name="dataset_csvw"),
    path("data/lkod/catalogue.jsonld", views.lkod_catalogue, name="lkod_catalogue"),
    path("data/lkod/datasets/<slug:slug>.jsonld", views.lkod_dataset, name="lkod_dataset"),
    path("data/lkod/context.jsonld", views.lkod_context, name="lkod_context"),
    path("healthz", views.healthz, name="healthz"),
    path("desk/", views.DeskView.as_view(), name="desk"),
    path("audit/", views_audit.AuditTrailView.as_view(), name="audit_trail"),
    path("autocomplete/<slug:kind>/", autocomplete.autocomplete_view, name="autocomplete"),
    *import_urls,
]
