"""After closure the resident rates the result once, and, unhappy within the policy's days,
asks for it to be handled again: cases/public/track.py on case_rate and case_reopen with no
actor and `by_resident`. The history says it was the resident; the figures count them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases import actions
from cases.models import Case, CaseEvent
from cases.queries.cases import kpis
from tests.cases.public import english
from tests.conftest import page_text
from tests.factories import make_case


@pytest.fixture
def closed(cast, tree):
    """A resident's report, resolved with a reply and verified just now."""
    case = make_case(
        cast,
        tree.grid_a,
        "resolved",
        reporter=None,
        source="resident",
        reporter_name="刘大爷",
        reporter_phone="13812345678",
    )
    actions.case_verify(actor=cast.staff_town1, case_id=case.pk, ok=True)
    return Case.objects.get(pk=case.pk)


def url(case, what=""):
    return f"/g/track/{case.tracking_code}/{what + '/' if what else ''}"


def test_after_closure_the_resident_rates_the_result_once_with_a_comment(client, closed):
    english(client)
    page = page_text(client.get(url(closed)))
    assert "Rate the result" in page and "How satisfied are you with the result?" in page
    response = client.post(url(closed, "rate"), {"rating": "2", "comment": "修得太慢了"})
    assert response.status_code == 302 and response["Location"] == url(closed)
    closed.refresh_from_db()
    assert closed.satisfaction == 2 and closed.rated_at is not None
    event = CaseEvent.objects.get(case=closed, action="rate")
    assert (event.actor, event.by_resident, event.note) == (None, True, "修得太慢了")
    after = page_text(client.get(url(closed)))
    assert "Thank you for rating the result." in after
    assert "You rated the result 2 of 5." in after
    assert "Rate the result" not in after  # once

    again = client.post(url(closed, "rate"), {"rating": "5"})
    assert again.status_code == 400
    assert "This case has already been rated." in page_text(again)
    closed.refresh_from_db()
    assert closed.satisfaction == 2


@pytest.mark.parametrize("rating", ["0", "6", "", "x", "²", "-1", "3.5"])
def test_a_rating_is_one_to_five(client, closed, rating):
    response = english(client).post(url(closed, "rate"), {"rating": rating})
    assert response.status_code == 400
    closed.refresh_from_db()
    assert closed.satisfaction is None


def test_a_case_not_yet_closed_cannot_be_rated_or_reopened(client, cast, tree):
    case = make_case(cast, tree.grid_a, "resolved", reporter=None, source="resident",
                     reporter_name="刘大爷", reporter_phone="13812345678")  # fmt: skip
    english(client)
    page = page_text(client.get(url(case)))
    assert "Rate the result" not in page and "Not solved?" not in page
    assert client.post(url(case, "rate"), {"rating": "4"}).status_code == 400
    assert client.post(url(case, "reopen"), {"reason": "没修好"}).status_code == 400
    case.refresh_from_db()
    assert case.status == "resolved" and case.satisfaction is None


def test_unhappy_within_the_policys_days_the_resident_reopens_it_and_the_history_says_so(
    client, cast, closed
):
    english(client)
    page = page_text(client.get(url(closed)))
    assert "Not solved?" in page and "you may ask for it to be handled again" in page
    response = client.post(url(closed, "reopen"), {"reason": "路灯又不亮了"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert (closed.status, closed.reopen_count, closed.closed_at) == ("handling", 1, None)
    event = CaseEvent.objects.get(case=closed, action="reopen")
    assert (event.actor, event.by_resident, event.note) == (None, True, "路灯又不亮了")
    after = page_text(client.get(url(closed)))
    assert "Your report is being worked on again." in after
    assert "You asked for it to be handled again" in after and "Being worked on" in after

    # The desk reads who did it in the case's history, and why.
    client.force_login(cast.staff_town1)
    desk = page_text(client.get(f"/desk/cases/{closed.pk}/"))
    assert "by the resident" in desk and "路灯又不亮了" in desk


def test_a_reopening_needs_a_reason(client, closed):
    response = english(client).post(url(closed, "reopen"), {"reason": "  "})
    assert response.status_code == 400
    assert "This field is required." in page_text(response)
    closed.refresh_from_db()
    assert closed.status == "closed"


def test_after_the_policys_days_there_is_no_reopening(client, cast, tree):
    long_ago = timezone.now() - dt.timedelta(days=30)
    case = make_case(cast, tree.grid_a, "closed", reporter=None, source="resident",
                     reporter_name="刘大爷", reporter_phone="13812345678", now=long_ago)  # fmt: skip
    english(client)
    assert "Not solved?" not in page_text(client.get(url(case)))
    response = client.post(url(case, "reopen"), {"reason": "还是不行"})
    assert response.status_code == 400
    assert "A case can be reopened within 7 days of closing" in page_text(response)
    case.refresh_from_db()
    assert case.status == "closed"
    # Rating stays open: it changes nothing but the figures.
    assert client.post(url(case, "rate"), {"rating": "1"}).status_code == 302


def test_a_residents_act_has_no_actor(cast, closed):
    with pytest.raises(ValueError):
        actions.case_rate(
            actor=cast.staff_town1, case_id=closed.pk, satisfaction=3, by_resident=True
        )
    with pytest.raises(ValueError):
        actions.case_reopen(actor=cast.staff_town1, case_id=closed.pk, reason="x", by_resident=True)


def test_the_satisfaction_figure_counts_the_residents_own_ratings(client, cast, tree, closed):
    english(client).post(url(closed, "rate"), {"rating": "2"})
    other = make_case(cast, tree.grid_a, "closed", reporter=None, source="resident",
                      reporter_name="王婶", reporter_phone="13700000000")  # fmt: skip
    client.post(url(other, "rate"), {"rating": "5"})
    now = timezone.now()
    figures = kpis(tree.town1, now - dt.timedelta(days=1), now + dt.timedelta(days=1))
    assert (figures.rated, figures.satisfied) == (2, 1)
    assert figures.satisfaction_rate == 0.5


def test_the_rate_and_reopen_addresses_take_only_a_post(client, closed):
    assert client.get(url(closed, "rate")).status_code == 405
    assert client.get(url(closed, "reopen")).status_code == 405


@pytest.mark.parametrize("field", ["rating", "comment", "reason"])
def test_bad_input_never_makes_a_server_error(client, closed, field):
    client.raise_request_exception = False
    for value in ["\x00", "a\x00b", "x" * 30_000, "NaN", "1e999", "<script>"]:
        for what in ("rate", "reopen"):
            response = client.post(url(closed, what), {"rating": "3", "reason": "r", field: value})
            assert response.status_code < 500, (what, field, value)
