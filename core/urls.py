from django.urls import path

from . import views
from .imports.urls import urlpatterns as import_urls

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("data/", views.DataCatalogueView.as_view(), name="data_catalogue"),
    path("data/<slug:slug>.csv", views.dataset_csv, name="dataset_csv"),
    path("data/<slug:slug>.json", views.dataset_json, name="dataset_json"),
    path("healthz", views.healthz, name="healthz"),
    *import_urls,
]
