"""Backfill a distinct registration for every existing enrolment."""

import uuid

from django.db import migrations


def backfill(apps, schema_editor):
    Enrollment = apps.get_model("learning", "Enrollment")
    pending = list(Enrollment.objects.filter(registration__isnull=True).only("pk"))
    for enrollment in pending:
        enrollment.registration = uuid.uuid4()
    Enrollment.objects.bulk_update(pending, ["registration"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("learning", "0010_enrollment_registration")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
