"""The single target's columns go (0006 moved each into a milestone); the
address key becomes required and unique; the schema's rules for milestones
and "every N years"."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0006_codes_as_printed_and_milestones"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="indicator", name="indicator_target_has_value"),
        migrations.RemoveConstraint(model_name="indicator",
                                    name="indicator_target_has_comparison"),
        migrations.RemoveField(model_name="indicator", name="target_kind"),
        migrations.RemoveField(model_name="indicator", name="target_value"),
        migrations.RemoveField(model_name="indicator", name="target_year"),
        migrations.RemoveField(model_name="indicator", name="target_due"),
        migrations.RemoveField(model_name="indicator", name="target_text"),
        migrations.AlterField(
            model_name="indicator", name="slug",
            field=models.CharField(
                help_text="The indicator's key in addresses, derived from the code.",
                max_length=80, unique=True, validators=[django.core.validators.RegexValidator(
                    "^[A-Za-z0-9][A-Za-z0-9._-]*\\Z",
                    "Use letters, digits, dots, hyphens and underscores, starting with a "
                    "letter or a digit.")],
                verbose_name="address"),
        ),
        migrations.AlterModelOptions(
            name="indicator",
            options={"ordering": ["kind", "position", "sort_key", "id"],
                     "verbose_name": "indicator", "verbose_name_plural": "indicators"},
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("frequency_years__gte", 1), ("update_frequency", "every_n_years")),
                    models.Q(models.Q(("update_frequency", "every_n_years"), _negated=True),
                             ("frequency_years__isnull", True)),
                    _connector="OR"),
                name="indicator_frequency_years_iff_every_n_years"),
        ),
        migrations.AddConstraint(
            model_name="indicatortarget",
            constraint=models.UniqueConstraint(fields=("indicator", "position"),
                                               name="indicator_target_unique_position"),
        ),
        migrations.AddConstraint(
            model_name="indicatortarget",
            constraint=models.CheckConstraint(condition=models.Q(("kind", ""), _negated=True),
                                              name="indicator_target_has_kind"),
        ),
        migrations.AddConstraint(
            model_name="indicatortarget",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("kind__in", (
                    "below", "at_most", "at_least", "decrease_by", "increase_by")),
                    _negated=True), ("value__isnull", False), _connector="OR"),
                name="indicator_target_has_value"),
        ),
        migrations.AddConstraint(
            model_name="indicatortarget",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__isnull", True),
                                   models.Q(("year__gte", 1900), ("year__lte", 2100)),
                                   _connector="OR"),
                name="indicator_target_year_plausible"),
        ),
    ]
