from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Reporting rounds")

    def ready(self):
        from . import permissions

        permissions.register()
