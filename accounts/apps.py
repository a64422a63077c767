from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        # Connects the login signal receiver of the second factor.
        from . import otp  # noqa: F401
        from .permissions import register

        register()
