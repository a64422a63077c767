from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Reporting rounds")

    def ready(self):
        from . import permissions
        from .desk import register_desk
        from .mail_kinds import register as register_mail_kinds

        permissions.register()
        register_desk()
        register_mail_kinds()
