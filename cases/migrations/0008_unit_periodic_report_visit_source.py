"""One name per idea: a unit that handles cases is a Unit (a county department is only one kind
of it), and a periodic report (周报/月报/季报) is a PeriodicReport, not the reporting of a case.
Cases found on a household visit get their own source instead of "patrol"."""

import django.db.models.deletion
from django.db import migrations, models


def visit_cases_say_visit(apps, schema_editor):
    # Until now a visit's case was recorded as a patrol finding; the visit names its case.
    Case = apps.get_model("cases", "Case")
    Visit = apps.get_model("staff", "Visit")
    found_on_visits = Visit.objects.filter(case__isnull=False).values("case_id")
    Case.objects.filter(pk__in=found_on_visits, source="patrol").update(source="visit")


def visit_cases_say_patrol(apps, schema_editor):
    # The older code knows no "visit" source: every such case goes back to "patrol".
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(source="visit").update(source="patrol")


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
        migrations.AlterField(
            model_name="case",
            name="source",
            field=models.CharField(
                choices=[
                    ("patrol", "Patrol"),
                    ("visit", "Household visit"),
                    ("informant", "Informant"),
                    ("street_chief", "Street chief"),
                    ("resident", "Resident"),
                    ("hotline", "12345 hotline"),
                    ("walk_in", "Walk-in"),
                    ("api", "Other system (API)"),
                ],
                max_length=16,
                verbose_name="source",
            ),
        ),
        migrations.RunPython(visit_cases_say_visit, visit_cases_say_patrol),
    ]
