from django.urls import path

from core.pagecache import cache_public_page, list_parameters

from . import views

app_name = "network"

_list_params, _list_free_text = list_parameters(views.NetworkListView)

urlpatterns = [
    # A day is any date: pages asked for one are rendered but not stored.
    path("", cache_public_page(params=_list_params, free_text={*_list_free_text, "date"})(
        views.NetworkListView.as_view()), name="service_list"),
    path("table/", cache_public_page(params=("by",), free_text=("date",))(
        views.CapacityTableView.as_view()), name="capacity_table"),
    path("export.xlsx", views.NetworkExportView.as_view(), name="export"),
    path("template.xlsx", views.NetworkTemplateView.as_view(), name="import_template"),
    path("import/", views.NetworkImportView.as_view(), name="import"),
    path("import/<uuid:batch>/confirm/", views.NetworkImportConfirmView.as_view(),
         name="import_confirm"),
    path("mine/", views.OwnServicesView.as_view(), name="own_services"),
    path("new/", views.ServiceCreateView.as_view(), name="service_create"),
    path("<int:pk>/", cache_public_page()(views.ServiceDetailView.as_view()),
         name="service_detail"),
    path("<int:pk>/change/", views.ServiceChangeView.as_view(), name="service_change"),
    path("requests/", views.UpdateRequestListView.as_view(), name="request_list"),
    path("requests/mine/", views.OwnUpdateRequestsView.as_view(), name="own_requests"),
    path("requests/new/", views.UpdateRequestCreateView.as_view(), name="request_create"),
    path("requests/windows/", views.RequestWindowsView.as_view(), name="request_windows"),
    path("requests/<int:pk>/", views.UpdateRequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/attachments/<int:attachment>/", views.RequestAttachmentView.as_view(),
         name="request_attachment"),
    path("requests/<int:pk>/decide/", views.RequestDecisionCreateView.as_view(),
         name="request_decide"),
    path("requests/<int:pk>/decisions/<int:decision>/extract/",
         views.DecisionExtractView.as_view(), name="decision_extract"),
    path("development/", views.DevelopmentView.as_view(), name="development"),
    path("<int:pk>/end/", views.ServiceEndView.as_view(), name="service_end"),
]
