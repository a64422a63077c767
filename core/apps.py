from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401 - registers the deployment checks
        from .collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation,
                                   dispatch_uid="core_czech_collation")
