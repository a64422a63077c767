"""The `unaccent` extension for full-text search of minutes (PostgreSQL only;
SQLite, the embedded default, searches without it)."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class PostgresOnlyUnaccent(UnaccentExtension):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Other apps may use the extension too: it stays.
        pass


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [PostgresOnlyUnaccent()]
