"""Territories now belong to the `directory` app: indicators and values point at them there,
and `indicators` forgets the model. Only the migration state changes; the table moved with
directory 0003."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0007_drop_single_target"),
        ("directory", "0003_territory_and_city"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="indicator",
                    name="home_territory",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="directory.territory",
                                            verbose_name="territory"),
                ),
                migrations.AlterField(
                    model_name="indicator",
                    name="comparison_territory",
                    field=models.ForeignKey(blank=True, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="directory.territory",
                                            verbose_name="comparison territory"),
                ),
                migrations.AlterField(
                    model_name="indicatorvalue",
                    name="territory",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                            related_name="values", to="directory.territory",
                                            verbose_name="territory"),
                ),
                migrations.DeleteModel(name="Territory"),
            ],
        ),
    ]
