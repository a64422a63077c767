from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from indicators.forms import IndicatorForm

        from . import autocomplete, permissions
        from .datasets import register_datasets
        from .forms import INDICATOR_PROJECT

        register_datasets()
        permissions.register()
        autocomplete.register()
        IndicatorForm.extensions.append(INDICATOR_PROJECT)
