
import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    """Every indicator's project and every value's half-year report, as rows
    of the link tables; indicators 0003 drops the columns afterwards."""
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    ProjectIndicator = apps.get_model("projects", "ProjectIndicator")
    HalfYearReportValue = apps.get_model("projects", "HalfYearReportValue")
    ProjectIndicator.objects.bulk_create(
        ProjectIndicator(indicator_id=pk, project_id=project_id)
        for pk, project_id in Indicator.objects.filter(project__isnull=False)
        .values_list("pk", "project_id").iterator())
    HalfYearReportValue.objects.bulk_create(
        HalfYearReportValue(value_id=pk, report_id=report_id)
        for pk, report_id in IndicatorValue.objects.filter(half_year_report__isnull=False)
        .values_list("pk", "half_year_report_id").iterator())


def copy_links_back(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    ProjectIndicator = apps.get_model("projects", "ProjectIndicator")
    HalfYearReportValue = apps.get_model("projects", "HalfYearReportValue")
    for link in ProjectIndicator.objects.iterator():
        Indicator.objects.filter(pk=link.indicator_id).update(project_id=link.project_id)
    for link in HalfYearReportValue.objects.iterator():
        IndicatorValue.objects.filter(pk=link.value_id).update(half_year_report_id=link.report_id)


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0004_project_check_leaves'),
        ('projects', '0002_directory_models'),
    ]

    operations = [
        migrations.CreateModel(
            name='HalfYearReportValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='value_links', to='projects.halfyearreport', verbose_name='half-year report')),
                ('value', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='half_year_report_link', to='indicators.indicatorvalue', verbose_name='indicator value')),
            ],
            options={
                'verbose_name': 'value of a half-year report',
                'verbose_name_plural': 'values of half-year reports',
            },
        ),
        migrations.CreateModel(
            name='ProjectIndicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('indicator', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='project_link', to='indicators.indicator', verbose_name='indicator')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicator_links', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'project indicator',
                'verbose_name_plural': 'project indicators',
            },
        ),
        migrations.RunPython(copy_links, copy_links_back),
    ]
