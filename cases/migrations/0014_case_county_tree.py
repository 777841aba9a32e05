from django.db import migrations, models


class Migration(migrations.Migration):
    """Each case carries its county's tree id, and the date indexes lead with it."""

    dependencies = [
        ("cases", "0013_phone_open_cases_by_holder"),
        ("grids", "0006_bulletins_and_road_segments"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="county_tree",
            field=models.PositiveIntegerField(
                editable=False, null=True, verbose_name="county (tree)"
            ),
        ),
        migrations.RunSQL(
            "UPDATE cases_case SET county_tree = "
            "(SELECT tree_id FROM grids_gridnode WHERE grids_gridnode.id = cases_case.node_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="case",
            name="county_tree",
            field=models.PositiveIntegerField(editable=False, verbose_name="county (tree)"),
        ),
        migrations.RemoveIndex(model_name="case", name="case_created"),
        migrations.RemoveIndex(model_name="case", name="case_accepted"),
        migrations.RemoveIndex(model_name="case", name="case_clear_by"),
        migrations.RemoveIndex(model_name="case", name="case_closed"),
        migrations.RemoveIndex(model_name="case", name="case_rated"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["county_tree", "created_at"], name="case_county_created"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["county_tree", "accepted_at"], name="case_county_accepted"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["county_tree", "clear_by"], name="case_county_clear_by"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["county_tree", "closed_at"], name="case_county_closed"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["county_tree", "rated_at"], name="case_county_rated"),
        ),
    ]
