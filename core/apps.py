from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from django.db.backends.signals import connection_created

        # checks registers deploy checks; datapackage its file among the served ones and the zip's
        from . import checks, datapackage, dataversion, retention  # noqa: F401
        from .collation import register_sqlite_collation
        from .pagecache import connect_signals
        from .tables import cache_render_signatures

        connect_signals()
        cache_render_signatures()
        dataversion.connect()
        connection_created.connect(register_sqlite_collation,
                                   dispatch_uid="core_czech_collation")
        retention.register("audit_log", retention.purge_audit_log, default_days=3650,
                           description="audit log entries")
