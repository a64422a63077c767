from django.urls import path

from core.pagecache import cache_public_list, cache_public_page

from . import views

app_name = "projects"

# Public pages, cached for anonymous readers (core.pagecache).
public = cache_public_page()

urlpatterns = [
    path("", cache_public_list(views.ProjectListView), name="list"),
    path("totals/", public(views.ProjectTotalsView.as_view()), name="project_totals"),
    path("new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/edit/", views.ProgrammeUpdateView.as_view(),
         name="programme_update"),
    path("calls/new/", views.CallCreateView.as_view(), name="call_create"),
    path("calls/<int:pk>/edit/", views.CallUpdateView.as_view(), name="call_update"),
    path("<int:pk>/", public(views.ProjectDetailView.as_view()), name="project_detail"),
    path("<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_update"),
    path("<int:pk>/card.pdf", views.ProjectCardPdfView.as_view(), name="project_card_pdf"),
    path("<int:pk>/activities/new/", views.KeyActivityCreateView.as_view(),
         name="key_activity_create"),
    path("<int:pk>/activities/<int:activity_pk>/edit/", views.KeyActivityUpdateView.as_view(),
         name="key_activity_update"),
    path("<int:pk>/indicators/actuals/", views.ProjectActualsView.as_view(),
         name="project_actuals"),
    path("<int:pk>/reports/new/", views.HalfYearReportCreateView.as_view(),
         name="report_create"),
    path("<int:pk>/reports/<int:report_pk>/", public(views.HalfYearReportDetailView.as_view()),
         name="report_detail"),
]
