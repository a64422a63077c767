from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    # The admin and permission lists keep showing the directory under the name it had inside
    # planning.
    verbose_name = _("Community planning")

    def ready(self):
        from . import permissions
        from .datasets import register_datasets

        register_datasets()
        permissions.register()
