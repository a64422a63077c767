from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        from . import autocomplete, checks, permissions
        from .datasets import register_datasets
        from .home import register_home
        from .mail_kinds import register as register_mail_kinds

        register_datasets()
        permissions.register()
        register_home()
        autocomplete.register()
        checks.register()
        register_mail_kinds()
