"""The directory's models moved here from `planning` without touching the database: their
tables keep their names until 0002 renames them."""

import core.fields
import directory.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("planning", "0004_plan_source_notes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SupportArea',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('numeral', models.CharField(max_length=8, unique=True, verbose_name='numeral')),
                        ('position', models.PositiveSmallIntegerField(unique=True, verbose_name='order')),
                        ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                    ],
                    options={
                        'verbose_name': 'support area',
                        'verbose_name_plural': 'support areas',
                        'db_table': 'planning_supportarea',
                        'ordering': ['position'],
                    },
                ),
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=300, unique=True, verbose_name='name')),
                        ('short_name', models.CharField(blank=True, max_length=80, verbose_name='short name')),
                        ('legal_form', models.CharField(blank=True, max_length=80, verbose_name='legal form')),
                        ('kind', models.CharField(choices=[('ngo', 'non-governmental organisation'), ('city_district', 'city district'), ('city_body', 'city body'), ('school', 'school'), ('other', 'other')], default='ngo', max_length=20, verbose_name='kind')),
                        ('ico', models.CharField(blank=True, help_text='Company identification number: 8 digits with the official checksum.', max_length=8, validators=[directory.validators.validate_ico], verbose_name='IČO')),
                        ('web', core.fields.HttpsURLField(blank=True, verbose_name='web')),
                        ('address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                    ],
                    options={
                        'verbose_name': 'organisation',
                        'verbose_name_plural': 'organisations',
                        'db_table': 'planning_organisation',
                        'ordering': ['name'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('ico', ''), _negated=True), fields=('ico',), name='organisation_ico_unique'), models.CheckConstraint(condition=models.Q(('ico', ''), ('ico__regex', '^[0-9]{8}$'), _connector='OR'), name='organisation_ico_eight_digits')],
                    },
                ),
                migrations.CreateModel(
                    name='Person',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title_before', models.CharField(blank=True, max_length=60, verbose_name='title before name')),
                        ('given_name', models.CharField(blank=True, max_length=100, verbose_name='given name')),
                        ('family_name', models.CharField(max_length=100, verbose_name='family name')),
                        ('title_after', models.CharField(blank=True, max_length=60, verbose_name='title after name')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='phone')),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='people', to='directory.organisation', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'person',
                        'verbose_name_plural': 'people',
                        'db_table': 'planning_person',
                        'ordering': ['family_name', 'given_name'],
                    },
                ),
                migrations.CreateModel(
                    name='WorkingGroup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('working_group', 'working group'), ('managerial_team', 'managerial team'), ('platform', 'platform')], default='working_group', max_length=20, verbose_name='kind')),
                        ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                        ('code', models.SlugField(help_text='Short code used in addresses and documents, e.g. DaR.', max_length=20, unique=True, verbose_name='short code')),
                        ('target_group_description', models.TextField(blank=True, verbose_name='target group description')),
                        ('status', models.CharField(choices=[('active', 'active'), ('archived', 'archived')], default='active', max_length=10, verbose_name='status')),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('contact_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contact_for_groups', to='directory.person', verbose_name='contact person')),
                        ('manager', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='managed_groups', to='directory.person', verbose_name='manager')),
                        ('support_areas', models.ManyToManyField(blank=True, related_name='groups', to='directory.supportarea', verbose_name='support areas')),
                    ],
                    options={
                        'verbose_name': 'working group',
                        'verbose_name_plural': 'working groups',
                        'db_table': 'planning_workinggroup',
                        'ordering': ['kind', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.CharField(choices=[('member', 'member'), ('group_manager', 'group manager'), ('contact_person', 'group contact person'), ('coordinator', 'coordinator')], default='member', max_length=20, verbose_name='position')),
                        ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                        ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='directory.organisation', verbose_name='organisation')),
                        ('member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='directory.person', verbose_name='member')),
                        ('substitute', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='substitute_memberships', to='directory.person', verbose_name='substitute')),
                        ('body', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='directory.workinggroup', verbose_name='body')),
                    ],
                    options={
                        'verbose_name': 'membership',
                        'verbose_name_plural': 'memberships',
                        'db_table': 'planning_membership',
                        'ordering': ['body', 'organisation__name', 'member__family_name', 'valid_from'],
                    },
                ),
                migrations.CreateModel(
                    name='GroupNeed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(verbose_name='order')),
                        ('text', models.TextField(verbose_name='need')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='needs', to='directory.workinggroup')),
                    ],
                    options={
                        'verbose_name': 'need of the target group',
                        'verbose_name_plural': 'needs of the target group',
                        'db_table': 'planning_groupneed',
                        'ordering': ['group', 'position'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='person',
                    constraint=models.UniqueConstraint(fields=('title_before', 'given_name', 'family_name', 'title_after'), name='person_full_name_unique'),
                ),
                migrations.AddConstraint(
                    model_name='workinggroup',
                    constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[A-Za-z0-9-]+$')), name='working_group_code_format'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.CheckConstraint(condition=models.Q(('organisation__isnull', False), ('member__isnull', False), _connector='OR'), name='membership_has_organisation_or_member'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), ('valid_from__isnull', True), ('valid_to__gt', models.F('valid_from')), _connector='OR'), name='membership_ends_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.CheckConstraint(condition=models.Q(('substitute__isnull', True), models.Q(('substitute', models.F('member')), _negated=True), _connector='OR'), name='membership_substitute_not_member'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', False), ('valid_to__isnull', True)), fields=('body', 'organisation'), name='membership_one_open_seat_per_organisation'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True), ('valid_to__isnull', True)), fields=('body', 'member', 'position'), name='membership_one_open_personal_seat'),
                ),
                migrations.AddConstraint(
                    model_name='groupneed',
                    constraint=models.UniqueConstraint(fields=('group', 'position'), name='group_need_position_unique'),
                ),
            ],
        ),
    ]
