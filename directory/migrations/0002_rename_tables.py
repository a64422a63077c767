"""The moved models get the directory's table names, and their content types (which audit
entries, permissions and admin log entries point at) move to the `directory` app label."""

from django.db import migrations

MOVED = ("supportarea", "organisation", "person", "workinggroup", "groupneed", "membership")


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
            # The content-type refresh after an earlier `migrate` may already have created the
            # new label: the row that records point at wins, the fresh one goes.
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
        ("directory", "0001_initial"),
        ("planning", "0005_directory_models"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelTable(name="groupneed", table=None),
        migrations.AlterModelTable(name="membership", table=None),
        migrations.AlterModelTable(name="organisation", table=None),
        migrations.AlterModelTable(name="person", table=None),
        migrations.AlterModelTable(name="supportarea", table=None),
        migrations.AlterModelTable(name="workinggroup", table=None),
        migrations.RunPython(_relabel("planning", "directory"), _relabel("directory", "planning")),
    ]
