from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network of social services")

    def ready(self):
        from . import permissions
        from .datasets import register_datasets

        register_datasets()
        permissions.register()
