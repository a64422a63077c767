from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("outbox/", views.OutboxView.as_view(), name="outbox"),
    path("outbox/<int:pk>/retry/", views.OutboxRetryView.as_view(), name="outbox_retry"),
    path("unsubscribe/<slug:kind>/<str:token>/", views.UnsubscribeView.as_view(),
         name="unsubscribe"),
    path("subscribe/<slug:topic>/<int:target>/", views.SubscribeView.as_view(),
         name="subscribe"),
    path("subscriptions/confirm/<str:token>/", views.SubscriptionConfirmView.as_view(),
         name="subscription_confirm"),
    path("subscriptions/remove/<str:token>/", views.SubscriptionRemoveView.as_view(),
         name="subscription_remove"),
]
