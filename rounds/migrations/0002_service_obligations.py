import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0009_field_verbose_names'),
        ('indicators', '0012_review_state'),
        ('network', '0011_indicatorvalue_review_state'),
        ('planning', '0010_plan_comment_period'),
        ('projects', '0007_review_state'),
        ('rounds', '0001_reporting_rounds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='obligation',
            name='obligation_value_or_report',
        ),
        migrations.AddField(
            model_name='obligation',
            name='service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.service', verbose_name='social service'),
        ),
        migrations.AddField(
            model_name='reportinground',
            name='service_indicators',
            field=models.BooleanField(default=False, help_text='Every provider reports the indicators of its services in the network.', verbose_name='service indicators of the network'),
        ),
        migrations.AddField(
            model_name='reportinground',
            name='service_period',
            field=models.CharField(blank=True, choices=[('half', 'first half-year'), ('year', 'whole year')], editable=False, max_length=4, verbose_name='period of the service indicators'),
        ),
        migrations.AddField(
            model_name='reportinground',
            name='service_year',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name='year of the service indicators'),
        ),
        migrations.AlterField(
            model_name='obligation',
            name='kind',
            field=models.CharField(choices=[('value', 'indicator value'), ('report', 'half-year report'), ('service', 'service indicators')], max_length=10, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='obligation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('indicator__isnull', False), ('kind', 'value'), ('project__isnull', True), ('service__isnull', True)), models.Q(('indicator__isnull', True), ('kind', 'report'), ('project__isnull', False), ('service__isnull', True)), models.Q(('indicator__isnull', True), ('kind', 'service'), ('project__isnull', True), ('service__isnull', False)), _connector='OR'), name='obligation_one_item_of_its_kind'),
        ),
        migrations.AddConstraint(
            model_name='obligation',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'service')), fields=('round', 'organisation', 'service'), name='obligation_one_service'),
        ),
        migrations.AddConstraint(
            model_name='reportinground',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('service_indicators', False), ('service_period', ''), ('service_year__isnull', True)), models.Q(('service_indicators', True), ('service_year__isnull', False), models.Q(('service_period', ''), _negated=True)), _connector='OR'), name='reporting_round_service_period_if_services'),
        ),
    ]
