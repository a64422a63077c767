from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("totals/", views.ProjectTotalsView.as_view(), name="project_totals"),
    path("new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_update"),
    path("<int:pk>/card.pdf", views.ProjectCardPdfView.as_view(), name="project_card_pdf"),
    path("<int:pk>/activities/new/", views.KeyActivityCreateView.as_view(),
         name="key_activity_create"),
    path("<int:pk>/activities/<int:activity_pk>/edit/", views.KeyActivityUpdateView.as_view(),
         name="key_activity_update"),
    path("<int:pk>/reports/new/", views.HalfYearReportCreateView.as_view(),
         name="report_create"),
    path("<int:pk>/reports/<int:report_pk>/", views.HalfYearReportDetailView.as_view(),
         name="report_detail"),
]
