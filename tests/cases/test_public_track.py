"""A resident follows their report by its tracking code (/g/track/, /g/track/<code>/):
cases/public/track.py. Nothing internal reaches the page, and guessing codes is throttled."""

from __future__ import annotations

import re

import pytest

from cases import actions
from cases.models import Case
from tests.cases.public import english
from tests.conftest import page_text
from tests.factories import T0, make_case

PHONE = "13812345678"
# Everything internal a case of the shared cast carries: staff names and usernames, parties,
# notes, the result, the reporter's name and phone, the unit it went to.
INTERNAL = [
    "王刚",
    "worker_a",
    "陈主任",
    "staff_town1",
    "张三",
    "李四",
    "刘大爷",
    PHONE,
    "138****5678",
    "内部受理备注",
    "内部派单备注",
    "内部签收备注",
    "内部办结结果",
    "内部核查备注",
    "内部驳回理由",
    "内部合并备注",
    "沙河营自然资源所",
]
PHONE_LIKE = re.compile(r"1[3-9][0-9]{9}|[0-9]{3}\*{4}[0-9]{4}")
REPLY = "路灯已经修好了，感谢您的反映。"


def _reported(cast, tree, units):
    return make_case(
        cast,
        tree.grid_a,
        reporter=None,
        source="resident",
        category_id=units.neighbours.pk,
        title="张三与李四因排水沟争执",
        description="张三家和李四家因排水沟吵架。",
        reporter_name="刘大爷",
        reporter_phone=PHONE,
        parties="张三、李四",
        now=T0,
    )


def case_in(status, cast, tree, units):
    """A resident's case brought to `status` through the actions, with notes at every step."""
    import datetime as dt

    staff, worker = cast.staff_town1, cast.worker_a
    at = lambda hours: T0 + dt.timedelta(hours=hours)  # noqa: E731
    case = _reported(cast, tree, units)
    if status == "reported":
        return case
    if status == "rejected":
        actions.case_reject(actor=staff, case_id=case.pk, reason="内部驳回理由", now=at(1))
        return case
    if status == "merged":
        other = make_case(cast, tree.grid_a, "handling", now=T0)
        actions.case_merge(actor=staff, case_id=case.pk, into_id=other.pk, note="内部合并备注")
        return case
    actions.case_accept(
        actor=staff, case_id=case.pk, color="yellow", note="内部受理备注", now=at(1)
    )
    if status == "accepted":
        return case
    if status == "dispatched_to_unit":
        actions.case_dispatch(
            actor=staff,
            case_id=case.pk,
            unit_id=units.land_outpost.pk,
            note="内部派单备注",
            now=at(2),
        )
        return case
    actions.case_dispatch(
        actor=staff, case_id=case.pk, handler_id=worker.pk, note="内部派单备注", now=at(2)
    )
    if status == "dispatched":
        return case
    actions.case_sign(actor=worker, case_id=case.pk, note="内部签收备注", now=at(3))
    if status == "handling":
        return case
    actions.case_resolve(
        actor=worker, case_id=case.pk, result="内部办结结果", public_reply=REPLY, now=at(4)
    )
    if status == "resolved":
        return case
    actions.case_verify(actor=staff, case_id=case.pk, ok=True, note="内部核查备注", now=at(5))
    return case


STATUSES = [
    "reported",
    "accepted",
    "dispatched",
    "dispatched_to_unit",
    "handling",
    "resolved",
    "closed",
    "rejected",
    "merged",
]
WORDS = {
    "reported": "We are taking it in",
    "accepted": "We are taking it in",
    "dispatched": "Passed to those who handle it",
    "dispatched_to_unit": "Passed to those who handle it",
    "handling": "Being worked on",
    "resolved": "Work done",
    "closed": "Finished and checked",
    "rejected": "Not taken up",
    "merged": "Handled together with the same report",
}


@pytest.mark.parametrize("status", STATUSES)
def test_the_track_page_of_every_status_shows_nothing_internal(client, cast, tree, units, status):
    case = case_in(status, cast, tree, units)
    case.refresh_from_db()
    response = english(client).get(f"/g/track/{case.tracking_code}/")
    assert response.status_code == 200
    html = response.content.decode()
    for internal in INTERNAL:
        assert internal not in html, (status, internal)
    assert not PHONE_LIKE.search(html), status
    assert case.number not in html  # the desk's number says which town and how many
    text = page_text(response)
    assert WORDS[status] in text
    assert case.tracking_code in text and "梁家庵村第一网格" in text
    if status in ("resolved", "closed"):
        assert REPLY in text
    else:
        assert REPLY not in text


def test_the_resident_sees_the_date_of_each_step(client, cast, tree, units):
    case = case_in("closed", cast, tree, units)
    text = page_text(english(client).get(f"/g/track/{case.tracking_code}/"))
    steps = text.split("Steps", 1)[1]
    order = [
        "Reported",
        "We are taking it in",
        "Passed to those who handle it",
        "Being worked on",
        "Work done",
        "Finished and checked",
    ]
    positions = [steps.index(word) for word in order]
    assert positions == sorted(positions)
    html = english(client).get(f"/g/track/{case.tracking_code}/").content.decode()
    for hour in ("09", "10", "11", "12", "13", "14"):
        assert f'datetime="2026-11-16T{hour}:00:00+08:00"' in html


def test_a_merged_report_says_how_the_report_it_joined_stands(client, cast, tree, units):
    case = case_in("merged", cast, tree, units)
    text = page_text(english(client).get(f"/g/track/{case.tracking_code}/"))
    assert "which is now: Being worked on" in text
    other = Case.objects.exclude(pk=case.pk).get()
    assert other.tracking_code not in text  # another resident's code is theirs


def test_the_code_may_be_typed_in_small_letters_with_dashes_or_spaces(client, cast, tree, units):
    case = _reported(cast, tree, units)
    code = case.tracking_code
    typed = f"{code[:5].lower()}-{code[5:].lower()}"
    response = client.get(f"/g/track/{typed}/")
    assert response.status_code == 302 and response["Location"] == f"/g/track/{code}/"
    response = client.get("/g/track/", {"tracking_code": f"  {code[:5]} {code[5:].lower()} "})
    assert response.status_code == 302 and response["Location"] == f"/g/track/{code}/"


def test_the_form_to_type_the_code_needs_no_javascript(client, db):
    response = english(client).get("/g/track/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="get" action="/g/track/"' in html and 'name="tracking_code"' in html
    assert "<script" not in html


def test_a_wrong_code_says_so_and_offers_the_form_again(client, db):
    response = english(client).get("/g/track/", {"tracking_code": "ABCDEFGHJK"})
    assert response.status_code == 404
    assert "There is no report with this code." in page_text(response)
    assert 'value="ABCDEFGHJK"' in response.content.decode()
    assert english(client).get("/g/track/ABCDEFGHJK/").status_code == 404


def test_guessing_codes_is_locked_out_like_logins_per_address(client, cast, tree, units, settings):
    settings.GRIDGOV_PUBLIC_TRACK_FAILURES = 3
    settings.GRIDGOV_PUBLIC_TRACK_COOLOFF_MINUTES = 15
    case = _reported(cast, tree, units)
    english(client)
    for guess in ("ABCDEFGHJK", "abc", "ZZZZZZZZZZ"):
        assert client.get(f"/g/track/{guess}/").status_code == 404
    locked = client.get(f"/g/track/{case.tracking_code}/")  # even the right one, now
    assert locked.status_code == 429
    text = page_text(locked)
    assert "Too many wrong tracking codes were typed from this connection." in text
    assert "15 minutes" in text
    assert client.get("/g/track/", {"tracking_code": case.tracking_code}).status_code == 429
    assert client.get("/g/track/").status_code == 429
    rate = client.post(f"/g/track/{case.tracking_code}/rate/", {"rating": "5"})
    assert rate.status_code == 429
    # Another address is not locked with it.
    elsewhere = client.get(f"/g/track/{case.tracking_code}/", REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 200


def test_the_right_codes_do_not_count_against_the_address(client, cast, tree, units, settings):
    settings.GRIDGOV_PUBLIC_TRACK_FAILURES = 2
    case = _reported(cast, tree, units)
    for _ in range(5):
        assert client.get(f"/g/track/{case.tracking_code}/").status_code == 200


def test_a_tracking_code_is_ten_unambiguous_characters(cast, tree, units):
    codes = {_reported(cast, tree, units).tracking_code for _ in range(3)}
    for code in codes:
        assert re.fullmatch(r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}", code)
    assert len(codes) == 3


@pytest.mark.parametrize(
    "typed", ["\x00", "a" * 500, "%00", "<script>", "..", "ÄÖÜ", "２３４５６７８９ＡＢ", "NaN"]
)
def test_bad_codes_never_make_a_server_error(client, db, typed):
    client.raise_request_exception = False
    assert client.get("/g/track/", {"tracking_code": typed}).status_code in (404, 429)
    assert 400 <= client.get(f"/g/track/{typed}/").status_code < 500
