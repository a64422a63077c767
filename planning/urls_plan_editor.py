"""The officers' plan editor (views_plan_editor.py). Included by planning/urls.py under the
`planning` namespace. Everything lives under /plans/new/ and /plans/<code>/edit/, next to the
public plan pages."""

from django.urls import path

from . import views_plan_editor as views
from . import views_plan_import

urlpatterns = [
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<slug:code>/edit/", views.PlanEditorView.as_view(), name="plan_editor"),
    path("plans/<slug:code>/edit/settings/", views.PlanSettingsView.as_view(),
         name="plan_settings"),
    path("plans/<slug:code>/edit/status/", views.PlanStatusView.as_view(), name="plan_status"),
    path("plans/<slug:code>/edit/bulk-status/", views.BulkStatusView.as_view(),
         name="plan_bulk_status"),
    path("plans/<slug:code>/edit/items/new/", views.ItemCreateView.as_view(),
         name="plan_item_create"),
    path("plans/<slug:code>/edit/items/<int:pk>/", views.ItemUpdateView.as_view(),
         name="plan_item_update"),
    path("plans/<slug:code>/edit/items/<int:pk>/inline/", views.ItemInlineEditView.as_view(),
         name="plan_item_inline"),
    path("plans/<slug:code>/edit/items/<int:pk>/summary/", views.ItemSummaryView.as_view(),
         name="plan_item_summary"),
    path("plans/<slug:code>/edit/items/<int:pk>/move/", views.ItemMoveView.as_view(),
         name="plan_item_move"),
    path("plans/<slug:code>/edit/items/<int:pk>/delete/", views.ItemDeleteView.as_view(),
         name="plan_item_delete"),
    path("plans/<slug:code>/edit/items/<int:pk>/history/", views.ItemHistoryView.as_view(),
         name="plan_item_history"),
    path("plans/<slug:code>/edit/items/<int:pk>/restore/", views.ItemRestoreView.as_view(),
         name="plan_item_restore"),
]

# Upload an edited XLSX of the plan: preview, then confirm (views_plan_import.py).

urlpatterns += [
    path("plans/<slug:code>/edit/import/", views_plan_import.PlanImportView.as_view(),
         name="plan_import"),
    path("plans/<slug:code>/edit/import/confirm/",
         views_plan_import.PlanImportConfirmView.as_view(), name="plan_import_confirm"),
]
