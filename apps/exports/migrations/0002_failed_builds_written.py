"""Builds whose job already failed or was cancelled get the FAILED status
written (it used to be read from the job)."""

from django.db import migrations


def mark_failed_builds(apps, schema_editor):
    Export = apps.get_model("exports", "Export")
    Export.objects.filter(status="building", job__status__in=["failed", "cancelled"]).update(
        status="failed"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("jobs", "0001_initial"),
    ]

    operations = [migrations.RunPython(mark_failed_builds, migrations.RunPython.noop)]
