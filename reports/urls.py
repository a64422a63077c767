from django.urls import path

from core.pagecache import cache_public_page

from . import views

app_name = "reports"

urlpatterns = [
    path("", cache_public_page()(views.ArchiveView.as_view()), name="list"),
    path("<uuid:pk>/report.pdf", views.download, name="download"),
    path("plans/<slug:code>/tables.xlsx", views.plan_tables_xlsx, name="plan_tables_xlsx"),
    path("manage/", views.ManageView.as_view(), name="manage"),
    path("jobs/<uuid:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<uuid:pk>/progress.json", views.JobProgressView.as_view(), name="job_progress"),
    path("jobs/<uuid:pk>/publish/", views.JobPublishView.as_view(), name="job_publish"),
    path("jobs/<uuid:pk>/withdraw/", views.JobPublishView.as_view(publish=False),
         name="job_withdraw"),
    path("jobs/<uuid:pk>/rerender/", views.JobRerenderView.as_view(), name="job_rerender"),
    path("schedules/new/", views.ScheduleFormView.as_view(), name="schedule_create"),
    path("schedules/<int:pk>/edit/", views.ScheduleFormView.as_view(), name="schedule_update"),
    path("schedules/<int:pk>/delete/", views.ScheduleDeleteView.as_view(),
         name="schedule_delete"),
    path("texts/", views.GlossaryView.as_view(), name="glossary"),
    path("texts/abbreviations/new/", views.GlossaryTermFormView.as_view(),
         name="glossary_create"),
    path("texts/abbreviations/<int:pk>/edit/", views.GlossaryTermFormView.as_view(),
         name="glossary_update"),
    path("texts/abbreviations/<int:pk>/delete/", views.GlossaryTermDeleteView.as_view(),
         name="glossary_delete"),
    path("texts/plans/<slug:code>/", views.PlanReportTextsFormView.as_view(),
         name="plan_texts"),
    path("texts/evaluations/new/", views.EvaluationTextFormView.as_view(),
         name="text_create"),
    path("texts/evaluations/<int:pk>/edit/", views.EvaluationTextFormView.as_view(),
         name="text_update"),
]
