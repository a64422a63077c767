from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    # The admin and permission lists keep showing the directory under the name it had inside
    # planning.
    verbose_name = _("Community planning")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import autocomplete, permissions
        from .datasets import register_datasets
        from .desk import register_desk
        from .mail_kinds import register as register_mail_kinds
        from .models import City
        from .selectors import forget_current_city

        register_datasets()
        from core import lkod

        from .selectors import lkod_provider
        lkod.set_provider_source(lkod_provider)
        permissions.register()
        autocomplete.register()
        register_mail_kinds()
        register_desk()

        # Whatever saves the city (its service, the admin, a fixture), pages stop
        # showing the cached row.
        def forget(sender, **kwargs):
            forget_current_city()

        post_save.connect(forget, sender=City, weak=False, dispatch_uid="directory_city_saved")
        post_delete.connect(forget, sender=City, weak=False,
                            dispatch_uid="directory_city_deleted")
