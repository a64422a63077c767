"""Meetings point at the directory's models, moved from `planning`; the database is untouched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0001_initial'),
        ('meetings', '0003_funding_project'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='attendance',
                    name='organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attendances', to='directory.organisation', verbose_name='organisation'),
                ),
                migrations.AlterField(
                    model_name='attendance',
                    name='person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attendances', to='directory.person', verbose_name='person'),
                ),
                migrations.AlterField(
                    model_name='meeting',
                    name='body',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='directory.workinggroup', verbose_name='body'),
                ),
                migrations.AlterField(
                    model_name='meeting',
                    name='recorded_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='recorded_meetings', to='directory.person', verbose_name='recorded by'),
                ),
                migrations.AlterField(
                    model_name='meeting',
                    name='verified_by',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='verified_meetings', to='directory.person', verbose_name='verified by'),
                ),
                migrations.AlterField(
                    model_name='membershipchange',
                    name='member',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directory.person', verbose_name='new member'),
                ),
                migrations.AlterField(
                    model_name='membershipchange',
                    name='membership',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='announcements', to='directory.membership', verbose_name='resulting membership'),
                ),
                migrations.AlterField(
                    model_name='membershipchange',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='announced_membership_changes', to='directory.organisation', verbose_name='organisation'),
                ),
                migrations.AlterField(
                    model_name='membershipchange',
                    name='substitute',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directory.person', verbose_name='substitute'),
                ),
                migrations.AlterField(
                    model_name='programmeitem',
                    name='presenter',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='presented_items', to='directory.person', verbose_name='presenter'),
                ),
                migrations.AlterField(
                    model_name='task',
                    name='owner_organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='meeting_tasks', to='directory.organisation', verbose_name='owner (organisation)'),
                ),
                migrations.AlterField(
                    model_name='task',
                    name='owner_person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='meeting_tasks', to='directory.person', verbose_name='owner (person)'),
                ),
            ],
        ),
    ]
