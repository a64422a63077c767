"""Public plan pages, data checks, exports (views_plans.py). Included by planning/urls.py under the
`planning` namespace."""

from django.urls import path

from . import views_plans

urlpatterns = [
    path("plans/", views_plans.PlanListView.as_view(), name="plan_list"),
    path("plans/<slug:code>/", views_plans.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<slug:code>/items/<int:pk>/", views_plans.PlanItemDetailView.as_view(),
         name="plan_item_detail"),
    path("plans/<slug:code>/checks/", views_plans.PlanDataChecksView.as_view(),
         name="plan_data_checks"),
    path("plans/<slug:code>/export.xlsx", views_plans.PlanExportXlsxView.as_view(),
         name="plan_export_xlsx"),
]
