"""Plans: the officers' editor and XLSX round trip, the public pages, change proposals and
public comment."""

from django.urls import path

from core.pagecache import cache_public_page

from .views import comments, editor, imports, public

app_name = "planning"

# Public pages, cached for anonymous readers (core.pagecache); the plan page
# keeps its filters (planning.filters.PlanFilterForm), its search is not stored.
cached = cache_public_page()
cached_plan = cache_public_page(params=("area", "status", "implementer", "group"),
                                free_text=("q",))

# The editor comes first: /plans/new/ must not be taken for the plan with code "new".
urlpatterns = [
    path("plans/new/", editor.PlanCreateView.as_view(), name="plan_create"),
    path("plans/import/", imports.NewPlanImportView.as_view(), name="plan_import_new"),
    path("plans/import/confirm/", imports.NewPlanImportConfirmView.as_view(),
         name="plan_import_new_confirm"),
    path("plans/import/template.xlsx", imports.PlanTemplateView.as_view(),
         name="plan_import_template"),
    path("plans/<slug:code>/edit/", editor.PlanEditorView.as_view(), name="plan_editor"),
    path("plans/<slug:code>/edit/settings/", editor.PlanSettingsView.as_view(),
         name="plan_settings"),
    path("plans/<slug:code>/edit/status/", editor.PlanStatusView.as_view(), name="plan_status"),
    path("plans/<slug:code>/edit/bulk-status/", editor.BulkStatusView.as_view(),
         name="plan_bulk_status"),
    path("plans/<slug:code>/edit/items/new/", editor.ItemCreateView.as_view(),
         name="plan_item_create"),
    path("plans/<slug:code>/edit/items/<int:pk>/", editor.ItemUpdateView.as_view(),
         name="plan_item_update"),
    path("plans/<slug:code>/edit/items/<int:pk>/inline/", editor.ItemInlineEditView.as_view(),
         name="plan_item_inline"),
    path("plans/<slug:code>/edit/items/<int:pk>/summary/", editor.ItemSummaryView.as_view(),
         name="plan_item_summary"),
    path("plans/<slug:code>/edit/items/<int:pk>/move/", editor.ItemMoveView.as_view(),
         name="plan_item_move"),
    path("plans/<slug:code>/edit/items/<int:pk>/delete/", editor.ItemDeleteView.as_view(),
         name="plan_item_delete"),
    path("plans/<slug:code>/edit/items/<int:pk>/history/", editor.ItemHistoryView.as_view(),
         name="plan_item_history"),
    path("plans/<slug:code>/edit/items/<int:pk>/restore/", editor.ItemRestoreView.as_view(),
         name="plan_item_restore"),
    path("plans/<slug:code>/edit/deleted/", editor.DeletedItemsView.as_view(),
         name="plan_deleted_items"),
    path("plans/<slug:code>/edit/deleted/<int:entry_pk>/restore/",
         editor.ItemUndeleteView.as_view(), name="plan_item_undelete"),
    # Upload an edited XLSX of the plan: preview, then confirm.
    path("plans/<slug:code>/edit/import/", imports.PlanImportView.as_view(),
         name="plan_import"),
    path("plans/<slug:code>/edit/import/confirm/",
         imports.PlanImportConfirmView.as_view(), name="plan_import_confirm"),
    # Public plan pages, data checks, exports.
    path("plans/", cached(public.PlanListView.as_view()), name="plan_list"),
    path("plans/<slug:code>/", cached_plan(public.PlanDetailView.as_view()), name="plan_detail"),
    path("plans/<slug:code>/items/<int:pk>/", cached(public.PlanItemDetailView.as_view()),
         name="plan_item_detail"),
    path("plans/<slug:code>/checks/", cached(public.PlanDataChecksView.as_view()),
         name="plan_data_checks"),
    path("plans/<slug:code>/export.xlsx", public.PlanExportXlsxView.as_view(),
         name="plan_export_xlsx"),
    # Change proposals: group managers propose, officers decide.
    path("plans/<slug:code>/proposals/", comments.ProposalListView.as_view(),
         name="proposal_list"),
    path("plans/<slug:code>/proposals/add/", comments.ProposalCreateView.as_view(new=True),
         name="proposal_create_top"),
    path("plans/<slug:code>/proposals/items/<int:item_pk>/change/",
         comments.ProposalCreateView.as_view(), name="proposal_create"),
    path("plans/<slug:code>/proposals/items/<int:item_pk>/add/",
         comments.ProposalCreateView.as_view(new=True), name="proposal_create_child"),
    path("plans/<slug:code>/proposals/<int:pk>/", comments.ProposalDecideView.as_view(),
         name="proposal_decide"),
    # Public comment, and its moderation and settlement by officers.
    path("plans/<slug:code>/comments/settlement.<str:fmt>",
         comments.SettlementExportView.as_view(), name="comment_settlement_export"),
    path("plans/<slug:code>/comments/", comments.CommentModerationView.as_view(),
         name="comment_moderation"),
    path("plans/<slug:code>/comments/new/", comments.CommentCreateView.as_view(),
         name="comment_create"),
    path("plans/<slug:code>/comments/new/<int:item_pk>/", comments.CommentCreateView.as_view(),
         name="item_comment_create"),
    path("plans/<slug:code>/comments/<int:pk>/moderate/", comments.CommentModerateView.as_view(),
         name="comment_moderate"),
    path("plans/<slug:code>/comments/<int:pk>/settle/", comments.CommentSettleView.as_view(),
         name="comment_settle"),
]
