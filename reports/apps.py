from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import permissions
        from .desk import register_desk
        from .home import register_home
        from .mail_kinds import register as register_mail_kinds
        from .retention import register as register_retention

        permissions.register()
        register_home()
        register_retention()
        register_mail_kinds()
        register_desk()
