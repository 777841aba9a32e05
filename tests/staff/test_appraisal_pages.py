"""The appraisal's pages: the desk's sheet (what each person sees, signing, publishing, scoring
and answering through the page), the pay sheet the finance office takes, the phone's months and
objection; a village sees only its own people; queries do not grow with the sheet; no input
makes a server error."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from staff import access, actions
from staff.models import AppraisalObjection, AppraisalSheet
from tests.conftest import page_text
from tests.factories import T0, UserFactory, grant
from tests.staff.test_appraisal import OCT, build_october, make_rule, since_january


@pytest.fixture(autouse=True)
def _posts_held_since_january(cast):
    from staff.models import Assignment

    Assignment.objects.update(starts=dt.date(2026, 1, 1))


@pytest.fixture
def commanders(tree):
    """Each village's commander (网格指挥员), at the desk."""
    one = UserFactory(username="commander_1", first_name="村指挥员甲")
    grant(one, tree.village1, "commander")
    two = UserFactory(username="commander_2", first_name="村指挥员乙")
    grant(two, tree.village2, "commander")
    return one, two


@pytest.fixture
def sheets(cast, tree):
    """October's sheets of both villages, each with its workers."""
    make_rule(tree.county)
    build_october(cast, tree)  # makes worker_c in village 2
    one = actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    two = actions.appraisal_compute(
        village_id=tree.village2.pk, month=OCT, actor=cast.staff_town2, now=T0
    )
    return one, two


def sheet_url(node, month="2026-10"):
    return f"{reverse('appraisal_node', args=[node.pk])}?month={month}"


def publish(sheet, actor):
    actions.appraisal_sign(actor=actor, sheet_id=sheet.pk, now=T0)
    return actions.appraisal_publish(actor=actor, sheet_id=sheet.pk)


def test_the_town_reads_its_villages_sheet_line_by_line_with_every_item(client, cast, tree, sheets):
    client.force_login(cast.staff_town1)
    text = page_text(client.get(sheet_url(tree.town1)))
    assert "梁家庵村" in text and "西原公村" not in text
    assert "王刚" in text and "李娟" in text and "周强" not in text
    for figure in ("70.67", "2817.65", "46.00", "1800.00", "按期办结", "群众满意度"):
        assert figure in text


def test_a_village_sees_only_its_own_peoples_sheet_and_another_is_404(
    client, cast, tree, sheets, commanders
):
    one, two = commanders
    client.force_login(one)
    text = page_text(client.get(sheet_url(tree.village1)))
    assert "王刚" in text and "周强" not in text
    assert client.get(sheet_url(tree.village2)).status_code == 404
    assert client.get(sheet_url(tree.town1)).status_code == 404  # above the village
    assert client.get(reverse("appraisal_pay", args=[tree.village2.pk])).status_code == 404
    client.force_login(two)
    text = page_text(client.get(reverse("appraisal")))
    assert "周强" in text and "王刚" not in text


def test_a_commander_scores_by_hand_but_neither_signs_nor_publishes(
    client, cast, tree, sheets, commanders
):
    one, _two = commanders
    sheet = sheets[0]
    line = sheet.lines.get(worker=cast.worker_a)
    attendance = sheet.rule.items.get(label="出勤")
    client.force_login(one)
    scored = client.post(
        sheet_url(tree.village1),
        {
            "do": "score",
            "line": line.pk,
            "item": attendance.pk,
            "points": "9",
            "reason": "迟到一次",
        },
    )
    assert scored.status_code == 302
    line.refresh_from_db()
    assert line.score == Decimal("69.67")
    assert (
        client.post(sheet_url(tree.village1), {"do": "sign", "sheet": sheet.pk}).status_code == 403
    )
    assert 'value="sign"' not in client.get(sheet_url(tree.village1)).content.decode()


def test_the_town_signs_publishes_and_answers_through_the_page(client, cast, tree, sheets):
    sheet = sheets[0]
    client.force_login(cast.staff_town1)
    url = sheet_url(tree.town1)
    assert client.post(url, {"do": "publish", "sheet": sheet.pk}).status_code == 400  # not signed
    assert client.post(url, {"do": "sign", "sheet": sheet.pk}).status_code == 302
    assert client.post(url, {"do": "publish", "sheet": sheet.pk}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "published"
    line = sheet.lines.get(worker=cast.worker_a)
    objection = actions.appraisal_object(actor=cast.worker_a, line_id=line.pk, reason="巡查漏记")
    page = client.get(url).content.decode()
    assert "巡查漏记" in page and 'value="answer"' in page
    patrol = line.scores.get(item__measure="patrol_days")
    answered = client.post(
        url,
        {
            "do": "answer",
            "objection": objection.pk,
            "upheld": "yes",
            "answer": "核实补记",
            f"item_{patrol.item_id}": "13",
            "item_abc": "5",  # not an item: left alone
        },
    )
    assert answered.status_code == 302
    objection.refresh_from_db()
    assert objection.upheld and objection.score_after == Decimal("71.67")
    text = page_text(client.get(url))
    assert "巡查天数: 12.00 → 13.00" in text


def test_the_pay_sheet_lists_the_published_lines_for_the_finance_office(client, cast, tree, sheets):
    one, two = sheets
    publish(one, cast.staff_town1)
    publish(two, cast.staff_town2)
    client.force_login(cast.staff_town1)
    response = client.get(reverse("appraisal_pay", args=[tree.town1.pk]) + "?month=2026-10")
    assert response.status_code == 200
    assert "pay-610722107-2026-10.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "沙河营镇" in rows[0][0] and "2026-10" in rows[0][0]
    header = rows[2]
    body = [r for r in rows[3:] if isinstance(r[0], int)]
    assert [r[3] for r in body] == ["王刚", "李娟"]  # village 2's 周强 is another town's
    wang = dict(zip(header, body[0], strict=True))
    assert wang[header[6]] == Decimal("70.67") or float(wang[header[6]]) == 70.67
    assert float(body[0][10]) == 2817.65 and float(body[1][10]) == 1800.00
    total = next(r for r in rows if r[0] and "计" in str(r[0]) or r[0] == "Total")
    assert float(total[10]) == 4617.65 and float(total[8]) == 3600.00
    # Text from people's names stays text, never a formula.
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_a_draft_sheet_is_not_on_the_pay_sheet(client, cast, tree, sheets):
    client.force_login(cast.staff_town1)
    response = client.get(reverse("appraisal_pay", args=[tree.town1.pk]) + "?month=2026-10")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert not [r for r in rows[3:] if isinstance(r[0], int)]


def test_a_worker_sees_only_published_months_on_the_phone_and_objects(client, cast, tree, sheets):
    sheet = sheets[0]
    line = sheet.lines.get(worker=cast.worker_a)
    client.force_login(cast.worker_a)
    assert "70.67" not in page_text(client.get(reverse("appraisal_mine")))
    assert client.get(reverse("appraisal_line", args=[line.pk])).status_code == 404
    publish(sheet, cast.staff_town1)
    text = page_text(client.get(reverse("appraisal_mine")))
    assert "70.67" in text and "2817.65" in text
    page = client.get(reverse("appraisal_line", args=[line.pk]))
    assert page.status_code == 200 and "object-form" in page.content.decode()
    empty = client.post(reverse("appraisal_line", args=[line.pk]), {"reason": "  "})
    assert empty.status_code == 400 and not AppraisalObjection.objects.exists()
    sent = client.post(reverse("appraisal_line", args=[line.pk]), {"reason": "出勤有误"})
    assert sent.status_code == 302
    text = page_text(client.get(reverse("appraisal_line", args=[line.pk])))
    assert "出勤有误" in text
    assert (
        "object-form" not in client.get(reverse("appraisal_line", args=[line.pk])).content.decode()
    )
    # Another worker's line: 李娟's grid is not 王刚's (404); a colleague on her grid: 403.
    other = sheet.lines.get(worker=cast.worker_b)
    assert client.get(reverse("appraisal_line", args=[other.pk])).status_code == 404
    colleague = UserFactory(username="colleague")
    since_january(colleague, tree.grid_b, "grid_worker")
    client.force_login(colleague)
    assert client.get(reverse("appraisal_line", args=[other.pk])).status_code == 403
    assert (
        client.post(reverse("appraisal_line", args=[other.pk]), {"reason": "x"}).status_code == 403
    )


def test_the_grid_chief_reads_the_villages_published_lines_on_the_phone(client, cast, sheets):
    sheet = sheets[0]
    publish(sheet, cast.staff_town1)
    line = sheet.lines.get(worker=cast.worker_b)
    client.force_login(cast.village_chief)
    page = client.get(reverse("appraisal_line", args=[line.pk]))
    assert page.status_code == 200 and "object-form" not in page.content.decode()
    refused = client.post(reverse("appraisal_line", args=[line.pk]), {"reason": "x"})
    assert refused.status_code == 403


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def more_workers(tree, n: int, month=OCT):
    """n more grid workers in village 1's grids (each its own grid of the village)."""
    from grids.actions import node_create

    for i in range(n):
        grid = node_create(
            actor=None,
            parent_id=tree.village1.pk,
            name=f"加格{i}",
            tier="grid",
            code=f"610722107201{100 + i}",
            difficulty="ABC"[i % 3],
        )
        since_january(UserFactory(username=f"extra_{i}"), grid, "grid_worker")


@pytest.mark.parametrize("who", ["staff_town1", "commander"])
def test_the_sheet_takes_the_same_queries_for_two_or_six_workers(
    client, cast, tree, who, commanders
):
    make_rule(tree.county)
    user = commanders[0] if who == "commander" else getattr(cast, who)
    client.force_login(user)
    node = tree.village1 if who == "commander" else tree.town1
    actions.appraisal_compute(village_id=tree.village1.pk, month=OCT, now=T0)
    small = count(client, sheet_url(node))
    AppraisalSheet.objects.all().delete()
    more_workers(tree, 4)
    sheet = actions.appraisal_compute(village_id=tree.village1.pk, month=OCT, now=T0)
    assert sheet.lines.count() == 6
    line = sheet.lines.first()
    publish(sheet, cast.staff_town1)
    AppraisalObjection.objects.create(line=line, reason="x", created_at=T0, score_before=0)
    assert count(client, sheet_url(node)) == small


def test_the_phone_months_and_the_pay_sheet_take_the_same_queries_whatever_their_length(
    client, cast, tree
):
    make_rule(tree.county)
    client.force_login(cast.worker_a)
    months = [dt.date(2026, m, 1) for m in (7, 8, 9, 10)]
    sheet = actions.appraisal_compute(village_id=tree.village1.pk, month=months[0], now=T0)
    publish(sheet, cast.staff_town1)
    line = sheet.lines.get(worker=cast.worker_a)
    small = count(client, reverse("appraisal_mine"))
    small_line = count(client, reverse("appraisal_line", args=[line.pk]))
    client.force_login(cast.staff_town1)
    small_pay = count(client, reverse("appraisal_pay", args=[tree.town1.pk]) + "?month=2026-07")
    for month in months[1:]:
        publish(
            actions.appraisal_compute(village_id=tree.village1.pk, month=month, now=T0),
            cast.staff_town1,
        )
    AppraisalObjection.objects.create(line=line, reason="x", created_at=T0, score_before=0)
    more_workers(tree, 3)
    access.forget_grants(cast.staff_town1)  # the new grids moved the tree's numbers
    AppraisalSheet.objects.filter(month=months[0]).delete()
    publish(
        actions.appraisal_compute(village_id=tree.village1.pk, month=months[0], now=T0),
        cast.staff_town1,
    )
    assert count(client, reverse("appraisal_pay", args=[tree.town1.pk]) + "?month=2026-07") == (
        small_pay
    )
    client.force_login(cast.worker_a)
    line = cast.worker_a.appraisal_lines.get(sheet__month=months[0])
    AppraisalObjection.objects.create(line=line, reason="x", created_at=T0, score_before=0)
    assert count(client, reverse("appraisal_mine")) == small
    assert count(client, reverse("appraisal_line", args=[line.pk])) == small_line


@pytest.mark.parametrize(
    "data",
    [
        {"do": "score", "line": "abc", "item": "1", "points": "1", "reason": "x"},
        {"do": "score", "line": "99999999999999999999", "item": "1", "points": "1"},
        {"do": "answer", "objection": "-1", "upheld": "yes", "answer": "x", "item_1": "NaN"},
        {"do": "sign", "sheet": "\x00"},
        {"do": "compute", "village": "1e9", "month": "2026-13"},
        {"do": "nothing"},
        {},
    ],
)
def test_bad_input_on_the_sheet_is_refused_never_a_server_error(client, cast, tree, sheets, data):
    client.raise_request_exception = False
    client.force_login(cast.staff_town1)
    response = client.post(sheet_url(tree.town1), data)
    assert response.status_code in (400, 404), response.status_code


@pytest.mark.parametrize("month", ["", "2026-13", "abcd-ef", "99999-01", "2026-1", "²026-10"])
def test_an_unreadable_month_shows_a_month_all_the_same(client, cast, tree, sheets, month):
    client.force_login(cast.staff_town1)
    assert client.get(sheet_url(tree.town1, month)).status_code == 200
    pay = client.get(reverse("appraisal_pay", args=[tree.town1.pk]) + f"?month={month}")
    assert pay.status_code == 200


def test_the_county_sees_its_villages_sheets_summed(client, cast, tree, sheets):
    client.force_login(cast.county_admin)
    text = page_text(client.get(sheet_url(tree.county)))
    assert "梁家庵村" in text and "西原公村" in text and "王刚" not in text
