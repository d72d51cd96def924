"""Each enrolment gets an xAPI registration: added nullable, backfilled, then enforced."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("learning", "0009_path_enrollments")]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="registration",
            field=models.UUIDField(editable=False, null=True),
        ),
    ]
