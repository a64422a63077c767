"""Users point at the directory's Person and Organisation, moved from `planning`; the
database is untouched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('directory', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='user',
                    name='implementer_organisation',
                    field=models.ForeignKey(blank=True, help_text="Reports indicator values for this organisation's measures and projects.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='implementer_users', to='directory.organisation', verbose_name='implementer for organisation'),
                ),
                migrations.AlterField(
                    model_name='user',
                    name='person',
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='user', to='directory.person', verbose_name='person'),
                ),
            ],
        ),
    ]
