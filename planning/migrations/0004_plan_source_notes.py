import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("planning", "0003_proposals_and_comments"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanSourceNote",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("position", models.PositiveIntegerField(verbose_name="order")),
                ("where", models.CharField(max_length=300, verbose_name="where in the source")),
                ("what", models.TextField(verbose_name="what is inconsistent")),
                ("kept_as", models.TextField(blank=True, verbose_name="how it is kept")),
                ("plan", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="source_notes", to="planning.plan")),
            ],
            options={
                "verbose_name": "note on the source",
                "verbose_name_plural": "notes on the source",
                "ordering": ["plan", "position"],
                "constraints": [models.UniqueConstraint(fields=("plan", "position"),
                                                        name="plan_source_note_position_unique")],
            },
        ),
    ]
