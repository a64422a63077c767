"""Territories move here from `indicators` (so that the city can point at its home territory
without a layer violation): the model joins the directory's state on its old table, the table
gets the directory's name, its content type moves to the `directory` label, and it gains a
kind, an official code and a parent. Then the city: one row that the city's data belongs to."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

MOVED = ("territory",)


def _relabel(from_label, to_label):
    def relabel(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        db = schema_editor.connection.alias
        types = ContentType.objects.using(db)
        # Every other foreign key to a content type, e.g. core.AuditEntry, admin.LogEntry.
        references = [
            (model, field.name)
            for model in apps.get_models()
            if model is not Permission
            for field in model._meta.get_fields()
            if field.many_to_one and field.concrete and field.related_model is ContentType
        ]
        for name in MOVED:
            kept = types.filter(app_label=from_label, model=name).first()
            if kept is None:
                continue
            # A content type created for the new label by an earlier `migrate` gives way
            # to the row that records point at.
            fresh = types.filter(app_label=to_label, model=name).first()
            if fresh is not None:
                for model, field in references:
                    model.objects.using(db).filter(**{field: fresh}).update(**{field: kept})
                Permission.objects.using(db).filter(content_type=fresh).delete()
                fresh.delete()
            kept.app_label = to_label
            kept.save(update_fields=["app_label"])

    return relabel


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0002_rename_tables"),
        ("indicators", "0007_drop_single_target"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Territory",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("code", models.SlugField(max_length=20, unique=True,
                                                  verbose_name="code")),
                        ("name", models.CharField(max_length=100, unique=True,
                                                  verbose_name="name")),
                        ("short_name", models.CharField(blank=True, max_length=20,
                                                        verbose_name="short name")),
                    ],
                    options={
                        "verbose_name": "territory",
                        "verbose_name_plural": "territories",
                        "db_table": "indicators_territory",
                        "ordering": ["id"],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="territory", table=None),
        migrations.RunPython(_relabel("indicators", "directory"),
                             _relabel("directory", "indicators")),
        migrations.AlterField(
            model_name="territory",
            name="code",
            field=models.SlugField(
                help_text="Short identifier used in imports and addresses: letters, digits, "
                          "hyphens.",
                max_length=20, unique=True, verbose_name="code"),
        ),
        migrations.AddField(
            model_name="territory",
            name="kind",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="kind",
                choices=[("municipality", "municipality"),
                         ("orp", "municipality with extended powers (ORP)"),
                         ("region", "region"), ("country", "country")]),
        ),
        migrations.AddField(
            model_name="territory",
            name="official_code",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="official code",
                help_text="The code of the Czech Statistical Office or the LAU/NUTS code, "
                          "where known.",
                validators=[django.core.validators.RegexValidator(
                    "^[A-Z0-9]+\\Z",
                    "Use capital letters and digits only, as the statistical office prints it.")]),
        ),
        migrations.AddField(
            model_name="territory",
            name="parent",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="children", to="directory.territory",
                verbose_name="parent territory"),
        ),
        migrations.AddField(
            model_name="territory",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddConstraint(
            model_name="territory",
            constraint=models.UniqueConstraint(
                condition=models.Q(("official_code", ""), _negated=True),
                fields=("official_code",), name="territory_official_code_unique"),
        ),
        migrations.AddConstraint(
            model_name="territory",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", ""), ("kind__in", ["municipality", "orp", "region",
                                                               "country"]), _connector="OR"),
                name="territory_kind_valid"),
        ),
        migrations.AddConstraint(
            model_name="territory",
            constraint=models.CheckConstraint(
                condition=models.Q(("parent", models.F("id")), _negated=True),
                name="territory_not_own_parent"),
        ),
        migrations.CreateModel(
            name="City",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("name", models.CharField(help_text="As shown in the header of every page.",
                                          max_length=100, verbose_name="name of the city")),
                ("full_name", models.CharField(
                    blank=True, max_length=200, verbose_name="official name",
                    help_text="As the city writes it in documents, e.g. “Statutární město …”.")),
                ("department", models.CharField(
                    blank=True, help_text="The department that runs community planning.",
                    max_length=300, verbose_name="department")),
                ("address", models.CharField(blank=True, max_length=300, verbose_name="address")),
                ("logo", models.FileField(blank=True, editable=False, upload_to="city/",
                                          verbose_name="logo")),
                ("logo_type", models.CharField(blank=True, editable=False, max_length=10)),
                ("document_language", models.CharField(
                    choices=[("cs", "Czech"), ("en", "English")], default="cs", max_length=5,
                    verbose_name="language of published documents")),
                ("currency", models.CharField(
                    default="CZK", help_text="ISO 4217 code, e.g. CZK.", max_length=3,
                    verbose_name="currency",
                    validators=[django.core.validators.RegexValidator(
                        "^[A-Z]{3}\\Z", "Three capital letters (ISO 4217), e.g. CZK or EUR.")])),
                ("currency_symbol", models.CharField(
                    blank=True, help_text="e.g. Kč; empty shows the ISO code.", max_length=10,
                    verbose_name="currency as shown")),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("home_territory", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                    related_name="home_of_cities", to="directory.territory",
                    verbose_name="home territory",
                    help_text="The territory the city's own indicators are measured in.")),
                ("region", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                    related_name="region_of_cities", to="directory.territory",
                    verbose_name="region")),
            ],
            options={
                "verbose_name": "city",
                "verbose_name_plural": "cities",
                "ordering": ["id"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("currency__regex", "^[A-Z]{3}$")),
                                           name="city_currency_iso_code"),
                    models.CheckConstraint(
                        condition=models.Q(("region__isnull", True),
                                           models.Q(("region", models.F("home_territory")),
                                                    _negated=True),
                                           _connector="OR"),
                        name="city_region_differs_from_home"),
                ],
            },
        ),
    ]
