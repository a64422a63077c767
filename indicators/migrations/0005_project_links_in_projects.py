from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('indicators', '0004_project_check_leaves'),
        # The links move to projects (with their rows) before the columns go.
        ('projects', '0003_project_indicator_links'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='indicator',
            name='project',
        ),
        migrations.RemoveField(
            model_name='indicatorvalue',
            name='half_year_report',
        ),
    ]
