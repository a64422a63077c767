
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('directory', '0009_field_verbose_names'),
        ('indicators', '0012_review_state'),
        ('planning', '0010_plan_comment_period'),
        ('projects', '0007_review_state'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportingRound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('kind', models.CharField(choices=[('half_year', 'half-year'), ('year', 'year')], max_length=10, verbose_name='kind')),
                ('period_start', models.DateField(verbose_name='period from')),
                ('period_end', models.DateField(verbose_name='period to')),
                ('deadline', models.DateField(verbose_name='deadline')),
                ('status', models.CharField(choices=[('open', 'open'), ('closed', 'closed')], default='open', max_length=10, verbose_name='status')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('indicators', models.ManyToManyField(blank=True, related_name='+', to='indicators.indicator', verbose_name='indicators')),
                ('measures', models.ManyToManyField(blank=True, related_name='+', to='planning.planitem', verbose_name='measures')),
                ('opened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by')),
                ('plans', models.ManyToManyField(blank=True, related_name='+', to='planning.plan', verbose_name='plans')),
                ('projects', models.ManyToManyField(blank=True, related_name='+', to='projects.project', verbose_name='projects')),
            ],
            options={
                'verbose_name': 'reporting round',
                'verbose_name_plural': 'reporting rounds',
                'ordering': ['-deadline', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Obligation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('value', 'indicator value'), ('report', 'half-year report')], max_length=10, verbose_name='kind')),
                ('indicator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='indicators.indicator', verbose_name='indicator')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='directory.organisation', verbose_name='organisation')),
                ('project', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project', verbose_name='project')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='obligations', to='rounds.reportinground', verbose_name='reporting round')),
            ],
            options={
                'verbose_name': 'obligation',
                'verbose_name_plural': 'obligations',
            },
        ),
        migrations.AddIndex(
            model_name='reportinground',
            index=models.Index(fields=['status', 'deadline'], name='reporting_round_due'),
        ),
        migrations.AddConstraint(
            model_name='reportinground',
            constraint=models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='reporting_round_period_ordered'),
        ),
        migrations.AddConstraint(
            model_name='reportinground',
            constraint=models.CheckConstraint(condition=models.Q(('deadline__gte', models.F('period_start'))), name='reporting_round_deadline_after_start'),
        ),
        migrations.AddConstraint(
            model_name='reportinground',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('closed_at__isnull', True), ('status', 'open')), models.Q(('closed_at__isnull', False), ('status', 'closed')), _connector='OR'), name='reporting_round_closed_has_time'),
        ),
        migrations.AddIndex(
            model_name='obligation',
            index=models.Index(fields=['organisation', 'round'], name='obligation_of_organisation'),
        ),
        migrations.AddConstraint(
            model_name='obligation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('indicator__isnull', False), ('kind', 'value'), ('project__isnull', True)), models.Q(('indicator__isnull', True), ('kind', 'report'), ('project__isnull', False)), _connector='OR'), name='obligation_value_or_report'),
        ),
        migrations.AddConstraint(
            model_name='obligation',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'value')), fields=('round', 'organisation', 'indicator'), name='obligation_one_value'),
        ),
        migrations.AddConstraint(
            model_name='obligation',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'report')), fields=('round', 'organisation', 'project'), name='obligation_one_report'),
        ),
    ]
