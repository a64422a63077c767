"""Projects point at the directory's Organisation, moved from `planning`; the database is
untouched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0001_initial'),
        ('projects', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='project',
                    name='implementer',
                    field=models.ForeignKey(blank=True, help_text='An organisation or a city district.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='directory.organisation', verbose_name='implementer'),
                ),
            ],
        ),
    ]
