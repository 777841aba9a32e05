from tests.factories import T0, make_case


def test_town_admin_sees_only_their_towns_cases(client, cast, tree, report):
    mine = report(title="梁家庵村排水沟")
    theirs = report(node=tree.grid_c, actor="staff_town2", title="西原公村路灯")
    client.force_login(cast.town1_admin)
    page = client.get("/admin/cases/case/").content.decode()
    assert mine.number in page and theirs.number not in page
    assert client.get(f"/admin/cases/case/{theirs.pk}/change/").status_code == 404
    detail = client.get(f"/admin/cases/case/{mine.pk}/change/")
    assert detail.status_code == 200
    assert "report" in detail.content.decode()


def test_case_state_cannot_be_edited_in_the_admin(client, cast, report):
    case = report()
    client.force_login(cast.county_admin)
    client.post(f"/admin/cases/case/{case.pk}/change/", {"status": "closed", "color": "red"})
    case.refresh_from_db()
    assert case.status == "reported"


def test_county_admin_edits_the_triage_policy_and_a_town_admin_cannot(client, cast):
    from cases.models import TriagePolicy

    yellow = TriagePolicy.objects.get(color="yellow")
    url = f"/admin/cases/triagepolicy/{yellow.pk}/change/"
    data = {
        "color": "yellow",
        "clear_within": "2",
        "day_kind": "working",
        "report_cadence": "weekly",
        "warn_hours_before": "3",
        "escalate_after_days": "1",
        "failed_mediations_to_escalate": "2",
        "reopen_within_days": "7",
        "county_call_respond_days": "3",
        "verify_within_hours": "24",
    }
    client.force_login(cast.town1_admin)
    client.post(url, data)
    yellow.refresh_from_db()
    assert yellow.clear_within == 1
    client.force_login(cast.county_admin)
    assert client.post(url, data).status_code == 302
    yellow.refresh_from_db()
    assert (yellow.clear_within, yellow.day_kind) == (2, "working")


def test_case_list_in_the_admin_has_a_fixed_query_count(client, cast, tree, report):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        make_case(cast, tree.grid_a, "accepted", now=T0)
    client.force_login(cast.county_admin)
    client.get("/admin/cases/case/")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/cases/case/")
    for _ in range(10):
        report()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/admin/cases/case/").status_code == 200
    assert len(many) == len(few)


def test_a_case_is_worked_from_the_admin_through_the_actions(client, tree, report):
    from cases.models import Case
    from tests.factories import UserFactory, grant

    officer = UserFactory(username="county_officer")
    grant(officer, tree.county, "admin")
    grant(officer, tree.county, "center_staff")
    case = report()
    client.force_login(officer)
    url = f"/admin/cases/case/{case.pk}/work/"
    page = client.get(url).content.decode()
    assert 'value="accept"' in page and 'value="resolve"' not in page
    assert client.post(url, {"action": "accept", "color": "purple"}).status_code == 200  # bad input
    assert client.post(url, {"action": "accept", "color": "orange"}).status_code == 302
    assert Case.objects.get(pk=case.pk).color == "orange"
    refused = client.post(url, {"action": "resolve", "text": "x"})
    assert refused.status_code == 200 and Case.objects.get(pk=case.pk).status == "accepted"


def test_working_a_case_outside_the_scope_is_404(client, cast, tree, report):
    theirs = report(node=tree.grid_c, actor="staff_town2")
    client.force_login(cast.town1_admin)
    assert client.get(f"/admin/cases/case/{theirs.pk}/work/").status_code == 404


def test_the_units_old_admin_addresses_lead_to_their_new_ones(client):
    response = client.get("/admin/cases/department/7/change/?_changelist_filters=kind%3Doutpost")
    assert response.status_code == 301
    assert response.url == "/admin/cases/unit/7/change/?_changelist_filters=kind%3Doutpost"
    assert client.get("/admin/cases/department/").url == "/admin/cases/unit/"


def test_work_this_case_shows_one_short_form_per_action_with_names_and_local_units(
    client, cast, tree, units
):
    import re

    from cases.models import Unit
    from tests.factories import UserFactory, grant, make_case

    officer = UserFactory(username="county_officer")
    grant(officer, tree.county, "admin")
    grant(officer, tree.county, "center_staff")
    elsewhere = Unit.objects.create(name="博望综合执法平台", kind="platform", node=tree.town2)
    case = make_case(cast, tree.grid_a, "accepted")
    client.force_login(officer)
    html = client.get(f"/admin/cases/case/{case.pk}/work/").content.decode()
    dispatch = re.search(r'<details class="act act-dispatch".*?</details>', html, re.S).group(0)
    supervise = re.search(r'<details class="act act-supervise".*?</details>', html, re.S).group(0)
    assert "王刚 (worker_a)" in dispatch  # people by their names
    assert units.platform.name in dispatch and elsewhere.name not in dispatch
    assert 'name="handler"' not in supervise  # each form only asks what its action needs


def test_the_admins_case_list_counts_no_further_than_its_cap_and_reads_no_date_hierarchy(
    client, cast, tree, monkeypatch
):
    # A county's half a million cases: no COUNT over all of them on each page, and no reading
    # of every case's year for a date hierarchy (the day reported is a filter instead).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.admin import CaseAdmin
    from gridgov.paging import CappedPaginator
    from tests.conftest import page_text

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr(CaseAdmin, "list_per_page", 2)
    for _ in range(5):
        make_case(cast, tree.grid_a, "accepted", now=T0)
    client.force_login(cast.county_admin)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/cases/case/")
    assert page.status_code == 200
    assert "超过 3 个事件" in page_text(page)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts
    assert not [q["sql"] for q in queries if "MIN(" in q["sql"].upper() or "TRUNC" in q["sql"]]
    assert "created_at__gte" in page.content.decode()  # the day reported, as a filter
    assert "今天" in page_text(page)  # Django's own word for the filter, not the phone's page
    assert client.get("/admin/cases/case/?created_at__gte=2026-13-45").status_code in (200, 302)
