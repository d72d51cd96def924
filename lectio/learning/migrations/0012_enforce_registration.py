"""Registrations are required and unique once every enrolment has one."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("learning", "0011_backfill_registration")]

    operations = [
        migrations.AlterField(
            model_name="enrollment",
            name="registration",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
