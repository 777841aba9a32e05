"""One name per idea: a unit that handles cases is a Unit (a county department is only one kind
of it), and a periodic report (周报/月报/季报) is a PeriodicReport, not the reporting of a case."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_submission_id"),
        ("grids", "0002_ledgers"),
        ("staff", "0003_patrols_visits"),
    ]

    operations = [
        migrations.RenameModel(old_name="Department", new_name="Unit"),
        migrations.AlterField(
            model_name="unit",
            name="node",
            field=models.ForeignKey(
                help_text="The county for a department, the town for an outpost or platform.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="grids.gridnode",
                verbose_name="where it sits",
            ),
        ),
        migrations.RenameField(
            model_name="case", old_name="handler_department", new_name="handler_unit"
        ),
        migrations.RenameField(model_name="caseevent", old_name="department", new_name="unit"),
        migrations.RenameModel(old_name="Report", new_name="PeriodicReport"),
    ]
