"""Resolving a case takes a reply to the resident (Case.public_reply), apart from the internal
result: the resolve row of cases/workflow.py and case_resolve."""

from __future__ import annotations

from cases import actions, workflow
from cases.models import Case
from tests.factories import make_case


def test_the_reply_is_kept_apart_from_the_result_and_bounded(cast, tree):
    case = make_case(cast, tree.grid_a, "handling")
    actions.case_resolve(
        actor=cast.worker_a,
        case_id=case.pk,
        result="内部：找了张三",
        public_reply="  已修好 " + "好" * 900,
    )
    case = Case.objects.get(pk=case.pk)
    assert case.result == "内部：找了张三"
    assert case.public_reply.startswith("已修好") and len(case.public_reply) == 500


def test_the_reply_is_optional(cast, tree):
    case = make_case(cast, tree.grid_a, "handling")
    actions.case_resolve(actor=cast.worker_a, case_id=case.pk, result="已处理")
    assert Case.objects.get(pk=case.pk).public_reply == ""


def test_each_resolution_says_its_own_word_never_an_earlier_ones(cast, tree):
    case = make_case(cast, tree.grid_a, "handling")
    actions.case_resolve(actor=cast.worker_a, case_id=case.pk, result="a", public_reply="已修好")
    actions.case_verify(actor=cast.staff_town1, case_id=case.pk, ok=False, note="没修好")
    actions.case_resolve(actor=cast.worker_a, case_id=case.pk, result="b")
    assert Case.objects.get(pk=case.pk).public_reply == ""


def test_the_resolve_form_asks_for_the_reply_to_the_resident(client, cast, tree):
    assert workflow.ACTIONS["resolve"].fields == ("text", "public_reply")
    case = make_case(cast, tree.grid_a, "handling")
    client.force_login(cast.worker_a)
    page = client.get(f"/m/cases/{case.pk}/").content.decode()
    resolve = page.split('class="act act-resolve"', 1)[1].split("</details>", 1)[0]
    assert 'name="public_reply"' in resolve
    response = client.post(
        f"/m/cases/{case.pk}/act/",
        {"action": "resolve", "text": "更换灯泡", "public_reply": "路灯修好了"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.result, case.public_reply) == ("resolved", "更换灯泡", "路灯修好了")
