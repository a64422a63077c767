"""Codes as printed (not unique; a unique `slug` is the address), the natural
sort key, "every N years", and any number of milestones: every existing single
target becomes one milestone. The old target columns go in 0007 (a separate
transaction: PostgreSQL will not alter a table with pending row events)."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

from indicators.codes import code_sort_key

WITH_VALUE = ("below", "at_most", "at_least", "decrease_by", "increase_by")


def forward(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorTarget = apps.get_model("indicators", "IndicatorTarget")
    targets = []
    for indicator in Indicator.objects.order_by("pk").iterator():
        # Today's codes were unique and URL-safe: every address keeps working.
        indicator.slug = indicator.code
        indicator.sort_key = code_sort_key(indicator.code)
        indicator.save(update_fields=["slug", "sort_key"])
        if indicator.target_kind:
            targets.append(IndicatorTarget(
                indicator_id=indicator.pk, position=1, kind=indicator.target_kind,
                value=indicator.target_value, year=indicator.target_year,
                due=indicator.target_due, text=indicator.target_text))
    IndicatorTarget.objects.bulk_create(targets, batch_size=500)


def backward(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorTarget = apps.get_model("indicators", "IndicatorTarget")
    first = {}
    for target in IndicatorTarget.objects.order_by("indicator_id", "position"):
        first.setdefault(target.indicator_id, target)
    for indicator in Indicator.objects.order_by("pk").iterator():
        target = first.get(indicator.pk)
        if target is None:
            continue
        indicator.target_kind = target.kind
        indicator.target_value = target.value
        indicator.target_year = target.year
        indicator.target_due = target.due
        indicator.target_text = target.text
        indicator.save(update_fields=["target_kind", "target_value", "target_year",
                                      "target_due", "target_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0005_project_links_in_projects"),
    ]

    operations = [
        migrations.AlterField(
            model_name="indicator", name="code",
            field=models.CharField(help_text="As printed in the plan, e.g. G01, 1.1.1-a or 2.1.10.",
                                   max_length=60, verbose_name="code"),
        ),
        migrations.AddField(
            model_name="indicator", name="slug",
            field=models.CharField(max_length=80, null=True, verbose_name="address"),
        ),
        migrations.AddField(
            model_name="indicator", name="sort_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="indicator", name="frequency_years",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Only with the frequency “every N years”.", null=True,
                verbose_name="every how many years"),
        ),
        migrations.AlterField(
            model_name="indicator", name="update_frequency",
            field=models.CharField(blank=True, choices=[
                ("yearly", "yearly"), ("half_yearly", "every half-year"),
                ("quarterly", "quarterly"), ("monthly", "monthly"),
                ("school_year", "every school year"), ("irregular", "irregularly"),
                ("once", "once, at the project's end"), ("every_n_years", "every N years")],
                max_length=20, verbose_name="update frequency"),
        ),
        migrations.AlterField(
            model_name="indicator", name="position",
            field=models.PositiveIntegerField(
                default=0, help_text="Order in which the plan prints its indicators; 0 orders "
                "by the code.", verbose_name="printed order"),
        ),
        migrations.CreateModel(
            name="IndicatorTarget",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=1, verbose_name="order")),
                ("year", models.PositiveSmallIntegerField(blank=True, null=True,
                                                          verbose_name="target year")),
                ("due", models.DateField(blank=True, null=True, verbose_name="due date")),
                ("kind", models.CharField(choices=[
                    ("below", "less than"), ("at_most", "at most"), ("at_least", "at least"),
                    ("decrease", "decrease"), ("increase", "increase"),
                    ("decrease_by", "decrease by"), ("increase_by", "increase by"),
                    ("below_comparison", "below the comparison territory"),
                    ("lower_in_ranking", "lower in the ranking")],
                    max_length=20, verbose_name="target")),
                ("value", models.DecimalField(blank=True, decimal_places=4, max_digits=18,
                                              null=True, verbose_name="target value")),
                ("text", models.CharField(blank=True, max_length=300,
                                          verbose_name="target as published")),
                ("indicator", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="targets",
                    to="indicators.indicator")),
            ],
            options={
                "verbose_name": "milestone",
                "verbose_name_plural": "milestones",
                "ordering": ["indicator", "position"],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
