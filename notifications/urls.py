from django.urls import path

from core.origin import same_origin_form
from core.pagecache import cache_public_page

from . import views

app_name = "notifications"

urlpatterns = [
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("outbox/", views.OutboxView.as_view(), name="outbox"),
    path("outbox/<int:pk>/retry/", views.OutboxRetryView.as_view(), name="outbox_retry"),
    path("unsubscribe/<slug:kind>/<str:token>/", views.UnsubscribeView.as_view(),
         name="unsubscribe"),
    # Linked from every public page that can be followed: cached like them, so
    # its form carries no token (`?sent=` after a subscription is not stored).
    path("subscribe/<slug:topic>/<int:target>/",
         same_origin_form(cache_public_page(free_text=("sent",))(views.SubscribeView.as_view())),
         name="subscribe"),
    path("subscriptions/confirm/<str:token>/", views.SubscriptionConfirmView.as_view(),
         name="subscription_confirm"),
    path("subscriptions/remove/<str:token>/", views.SubscriptionRemoveView.as_view(),
         name="subscription_remove"),
]
