from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        # otp connects the login signal receiver of the second factor.
        from . import autocomplete, otp, retention  # noqa: F401
        from .permissions import register

        register()
        retention.register()
        autocomplete.register()
