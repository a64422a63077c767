"""The directory's models (organisations, people, support areas, bodies, needs,
memberships) now belong to the `directory` app: plans point at them there, and
`planning` forgets them. Only the migration state changes; the tables stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("planning", "0004_plan_source_notes"),
        ("directory", "0001_initial"),
        # Every foreign key into the moved models must point at `directory` first.
        ("accounts", "0002_directory_models"),
        ("indicators", "0002_directory_models"),
        ("meetings", "0004_directory_models"),
        ("projects", "0002_directory_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="planitemimplementer",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="implementer_links", to="directory.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="working_group",
                    field=models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                        related_name="plans", to="directory.workinggroup",
                        verbose_name="drafted by working group",
                    ),
                ),
                migrations.AlterField(
                    model_name="planitem",
                    name="implementers",
                    field=models.ManyToManyField(
                        blank=True, related_name="plan_items",
                        through="planning.PlanItemImplementer", to="directory.organisation",
                        verbose_name="implementers",
                    ),
                ),
                migrations.AlterField(
                    model_name="planitem",
                    name="working_groups",
                    field=models.ManyToManyField(
                        blank=True, related_name="plan_items", to="directory.workinggroup",
                        verbose_name="working groups",
                    ),
                ),
                migrations.DeleteModel(name="GroupNeed"),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="WorkingGroup"),
                migrations.DeleteModel(name="Person"),
                migrations.DeleteModel(name="Organisation"),
                migrations.DeleteModel(name="SupportArea"),
            ],
        ),
    ]
