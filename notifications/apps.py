from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import permissions
        from .retention import register as register_retention
        from .subscriptions import register as register_mail_kinds

        permissions.register()
        register_retention()
        register_mail_kinds()
