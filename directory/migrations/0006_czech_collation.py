"""The Czech ICU collation `czech` on PostgreSQL (core.collation); people and
organisations ordered by it. On SQLite the collation of the same name is
registered on every connection (core.apps), so nothing is created here."""

import django.db.models.functions.comparison
from django.contrib.postgres.operations import CreateCollation
from django.db import migrations, models


class CreateCzechCollation(CreateCollation):
    """CreateCollation, which on PostgreSQL only; reversed on PostgreSQL only too."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0005_privacy_notice'),
    ]

    operations = [
        CreateCzechCollation("czech", provider="icu", locale="cs-CZ"),
        migrations.AlterModelOptions(
            name='organisation',
            options={'ordering': [django.db.models.functions.comparison.Collate(models.F('name'), 'czech')], 'verbose_name': 'organisation', 'verbose_name_plural': 'organisations'},
        ),
        migrations.AlterModelOptions(
            name='person',
            options={'ordering': [django.db.models.functions.comparison.Collate(models.F('family_name'), 'czech'), django.db.models.functions.comparison.Collate(models.F('given_name'), 'czech')], 'verbose_name': 'person', 'verbose_name_plural': 'people'},
        ),
    ]
