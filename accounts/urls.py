from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import oidc, otp, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("locked/", views.LockedAccountsView.as_view(), name="locked_accounts"),
    path("locked/unlock/", views.UnlockAccountView.as_view(), name="unlock_account"),
    # Staff single sign-on (OpenID Connect); 404 unless configured.
    path("oidc/login/", oidc.SignInView.as_view(), name="oidc_login"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("otp/verify/", otp.VerifyView.as_view(), name="otp_verify"),
    path("otp/setup/", otp.SetupView.as_view(), name="otp_setup"),
    path("otp/remove/", otp.RemoveView.as_view(), name="otp_remove"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path(
        "password/reset/",
        views.ThrottledPasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.UnlockingPasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
