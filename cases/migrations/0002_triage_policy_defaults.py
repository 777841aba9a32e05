"""The seeds' triage policy: 日清周报, 周清月报, 月清季报 (seed 000). Editable in the admin."""

from django.db import migrations

DEFAULTS = [
    ("yellow", 1, "weekly", 2),
    ("orange", 7, "monthly", 24),
    ("red", 30, "quarterly", 72),
]


def add_defaults(apps, schema_editor):
    TriagePolicy = apps.get_model("cases", "TriagePolicy")
    for color, days, cadence, warn in DEFAULTS:
        TriagePolicy.objects.get_or_create(
            color=color,
            defaults={
                "clear_within": days,
                "day_kind": "calendar",
                "report_cadence": cadence,
                "warn_hours_before": warn,
                "escalate_after_days": 1 if color == "yellow" else 3,
                "failed_mediations_to_escalate": 2,
                "reopen_within_days": 7,
                "county_call_respond_days": 3,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
