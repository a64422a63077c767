from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and minutes")

    def ready(self):
        from . import permissions
        from .datasets import register_datasets
        from .desk import register_desk
        from .home import register_home
        from .mail_kinds import register as register_mail_kinds
        from .personal_data import register as register_personal_data
        from .retention import register as register_retention

        register_datasets()
        permissions.register()
        register_home()
        register_retention()
        register_personal_data()
        register_mail_kinds()
        register_desk()
