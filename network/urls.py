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
    path("<int:pk>/end/", views.ServiceEndView.as_view(), name="service_end"),
]
