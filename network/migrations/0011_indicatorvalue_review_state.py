import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def approve_existing(apps, schema_editor):
    """What providers reported before values needed approval was counted and
    shown: it stays so, as approved."""
    apps.get_model("network", "IndicatorValue").objects.update(review_state="approved")


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0010_service_indicators'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='indicatorvalue',
            name='closed',
            field=models.BooleanField(default=False, verbose_name='in a closed round'),
        ),
        migrations.AddField(
            model_name='indicatorvalue',
            name='corrected_on',
            field=models.DateField(blank=True, null=True, verbose_name='corrected on'),
        ),
        migrations.AddField(
            model_name='indicatorvalue',
            name='correction_reason',
            field=models.TextField(blank=True, max_length=2000, verbose_name='reason for the correction'),
        ),
        migrations.AddField(
            model_name='indicatorvalue',
            name='review_comment',
            field=models.TextField(blank=True, max_length=2000, verbose_name='comment on return'),
        ),
        migrations.AddField(
            model_name='indicatorvalue',
            name='review_state',
            field=models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted'), ('returned', 'returned'), ('approved', 'approved')], default='draft', max_length=10, verbose_name='review state'),
        ),
        migrations.RunPython(approve_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='indicatorvalue',
            name='review_state',
            field=models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted'), ('returned', 'returned'), ('approved', 'approved')], default='approved', max_length=10, verbose_name='review state'),
        ),
        migrations.AddField(
            model_name='indicatorvalue',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reviewed at'),
        ),
        migrations.AddField(
            model_name='indicatorvalue',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by'),
        ),
        migrations.AddIndex(
            model_name='indicatorvalue',
            index=models.Index(condition=models.Q(('review_state', 'approved'), _negated=True), fields=['review_state'], name='service_value_in_review'),
        ),
        migrations.AddConstraint(
            model_name='indicatorvalue',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('review_state', 'returned'), _negated=True), models.Q(('review_comment', ''), _negated=True), _connector='OR'), name='service_indicator_value_returned_has_comment'),
        ),
        migrations.AddConstraint(
            model_name='indicatorvalue',
            constraint=models.CheckConstraint(condition=models.Q(('closed', False), ('review_state', 'approved'), _connector='OR'), name='service_indicator_value_closed_is_approved'),
        ),
        migrations.AddConstraint(
            model_name='indicatorvalue',
            constraint=models.CheckConstraint(condition=models.Q(('corrected_on__isnull', True), models.Q(('correction_reason', ''), _negated=True), _connector='OR'), name='service_indicator_value_correction_has_reason'),
        ),
    ]
