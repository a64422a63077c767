from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. Global roles are flags here; group roles (manager, contact
    person, member) come from the planning data itself through `person`, so
    that the working group's page and the permissions never disagree."""

    person = models.OneToOneField(
        "directory.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    is_city_officer = models.BooleanField(
        _("city officer"),
        default=False,
        help_text=_("Edits plans, groups, indicators and projects; generates reports."),
    )
    implementer_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("implementer for organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implementer_users",
        help_text=_("Reports indicator values for this organisation's measures and projects."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username
