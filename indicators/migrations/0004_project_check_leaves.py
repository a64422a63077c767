from django.db import migrations


class Migration(migrations.Migration):
    # The rule "a project indicator has its project" moves to the form, since
    # the link moves to projects (projects 0002); on the way back the check
    # comes last, after the link is copied back.
    dependencies = [
        ('indicators', '0003_delete_importbatch'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='indicator',
            name='indicator_project_has_project',
        ),
    ]
