"""An assignment names the unit its holder works for (a county department, an outpost or a town
platform), so the field is called unit like the model it points at."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_unit_periodic_report_visit_source"),
        ("staff", "0003_patrols_visits"),
    ]

    operations = [
        migrations.RenameField(model_name="assignment", old_name="department", new_name="unit"),
    ]
