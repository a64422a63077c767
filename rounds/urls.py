from django.urls import path

from . import views

app_name = "rounds"

urlpatterns = [
    path("", views.RoundListView.as_view(), name="list"),
    path("new/", views.RoundCreateView.as_view(), name="create"),
    path("mine/", views.MyObligationsView.as_view(), name="mine"),
    path("<int:pk>/", views.RoundDetailView.as_view(), name="detail"),
    path("<int:pk>/overview.xlsx", views.round_export, name="export"),
    path("<int:pk>/close/", views.RoundCloseView.as_view(), name="close"),
    path("<int:pk>/refresh/", views.RoundRefreshView.as_view(), name="refresh"),
    path("values/<int:pk>/decide/", views.ValueDecisionView.as_view(), name="value_decide"),
    path("values/<int:pk>/submit/", views.ValueSubmitView.as_view(), name="value_submit"),
    path("<int:pk>/services/<int:service>/decide/", views.ServiceValuesDecisionView.as_view(),
         name="service_decide"),
    path("<int:pk>/services/<int:service>/submit/", views.ServiceValuesSubmitView.as_view(),
         name="service_submit"),
    path("reports/<int:pk>/decide/", views.ReportDecisionView.as_view(), name="report_decide"),
    path("reports/<int:pk>/correct/", views.ReportCorrectView.as_view(),
         name="report_correct"),
]
