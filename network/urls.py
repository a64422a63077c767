from django.urls import path

from core.pagecache import cache_public_page, list_parameters

from . import indicator_views as views_indicators
from . import register_views, value_views, views

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
    path("development/", cache_public_page(params=("year",))(views.DevelopmentView.as_view()),
         name="development"),
    path("<int:pk>/end/", views.ServiceEndView.as_view(), name="service_end"),
]

urlpatterns += [
    path("indicators/", cache_public_page()(views_indicators.ManualListView.as_view()),
         name="indicator_manual"),
    path("indicators/manual/new/", views_indicators.ManualCreateView.as_view(),
         name="manual_create"),
    path("indicators/manual/<int:pk>/", views_indicators.ManualUpdateView.as_view(),
         name="manual_update"),
    path("indicators/manual/<int:pk>/new/", views_indicators.IndicatorCreateView.as_view(),
         name="indicator_create"),
    path("indicators/<int:pk>/", views_indicators.IndicatorUpdateView.as_view(),
         name="indicator_update"),
    path("indicators/check/", views_indicators.DisproportionView.as_view(),
         name="disproportions"),
    path("indicators/values/<int:pk>/question/", views_indicators.DisproportionQueryView.as_view(),
         name="disproportion_query"),
    path("<int:pk>/indicators/", views_indicators.ServiceValuesView.as_view(),
         name="service_values"),
    path("<int:pk>/funding/", views_indicators.FundingView.as_view(), name="funding"),
    path("<int:pk>/indicators/<int:year>/<str:period>/",
         views_indicators.ValuesReportView.as_view(), name="values_report"),
    path("evaluation/", cache_public_page(params=("year", "page"))(
        views_indicators.EvaluationView.as_view()), name="evaluation"),
]

# The value workbook (network/value_imports.py): a provider's users and officers.
urlpatterns += [
    path("indicators/values/template.xlsx", value_views.ValuesTemplateView.as_view(),
         name="values_template"),
    path("indicators/values/import/", value_views.ValuesImportView.as_view(),
         name="values_import"),
    path("indicators/values/import/<uuid:batch>/confirm/",
         value_views.ValuesImportConfirmView.as_view(), name="values_import_confirm"),
]

# The national register's open dataset (network/register.py): officers.
urlpatterns += [
    path("register/import/", register_views.RegisterImportView.as_view(),
         name="register_import"),
    path("register/import/<uuid:batch>/confirm/",
         register_views.RegisterImportConfirmView.as_view(), name="register_import_confirm"),
]
