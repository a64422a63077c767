from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Community planning")

    def ready(self):
        from . import permissions
        from .datasets import register_plan_datasets
        from .desk import register_desk
        from .mail_kinds import register as register_mail_kinds
        from .personal_data import register as register_personal_data
        from .retention import register as register_retention

        register_plan_datasets()
        permissions.register()
        register_retention()
        register_personal_data()
        register_mail_kinds()
        register_desk()
