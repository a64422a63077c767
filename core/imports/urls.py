from django.urls import path

from . import views

# Included by core.urls (namespace "core").
urlpatterns = [
    path("imports/<uuid:pk>/", views.ImportJobView.as_view(), name="import_job"),
    path("imports/<uuid:pk>/progress.json", views.ImportJobProgressView.as_view(),
         name="import_job_progress"),
]
