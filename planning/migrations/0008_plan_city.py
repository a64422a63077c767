"""Every plan belongs to a city. A database with plans gets the one city row they belong
to: named after the territory most of its indicators are measured in (the city's own),
or a placeholder an officer renames on the City settings page."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

PLACEHOLDER = "Město"


def attach_plans(apps, schema_editor):
    db = schema_editor.connection.alias
    Plan = apps.get_model("planning", "Plan")
    City = apps.get_model("directory", "City")
    Territory = apps.get_model("directory", "Territory")
    Indicator = apps.get_model("indicators", "Indicator")
    if not Plan.objects.using(db).exists():
        return
    city = City.objects.using(db).order_by("pk").first()
    if city is None:
        most = (Indicator.objects.using(db).values("home_territory")
                .annotate(n=Count("id")).order_by("-n", "home_territory").first())
        home = (Territory.objects.using(db).get(pk=most["home_territory"])
                if most else None)
        city = City.objects.using(db).create(
            name=home.name if home else PLACEHOLDER, home_territory=home)
    Plan.objects.using(db).filter(city__isnull=True).update(city=city)
    if schema_editor.connection.vendor == "postgresql":
        # The deferred foreign-key checks of the update run now, so that the column
        # can be made NOT NULL in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("planning", "0007_plan_workbook_items"),
        ("directory", "0003_territory_and_city"),
        ("indicators", "0008_territory_in_directory"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="city",
            field=models.ForeignKey(editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="plans", to="directory.city",
                                    verbose_name="city"),
        ),
        migrations.RunPython(attach_plans, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="plan",
            name="city",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="plans", to="directory.city",
                                    verbose_name="city"),
        ),
    ]
