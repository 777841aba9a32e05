"""The case page on the desk (/desk/cases/<pk>/) and on the phone (/m/cases/<pk>/): what it shows,
exactly the actions a person may take, and how it refuses everything else."""

import datetime as dt
import re

import pytest
from django.test import Client

from cases import actions
from cases.models import Case, CaseEvent, Mediation, Status
from cases.workflow import available_actions
from grids.privacy import mask_phone
from tests.conftest import page_text
from tests.factories import T0, advance, called_case, make_case

PHONE = "13812345678"


def buttons(response) -> list[str]:
    """The actions whose submit buttons the page shows, in page order."""
    return re.findall(
        r'<button type="submit" class="primary" name="action" value="(\w+)"',
        response.content.decode(),
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def desk(user, case):
    return client_for(user).get(f"/desk/cases/{case.pk}/")


@pytest.fixture
def reported(report, units):
    return report(
        category_id=units.neighbours.pk,
        reporter_name="刘大爷",
        reporter_phone=PHONE,
        parties="刘家、张家",
        suggested_color="yellow",
    )


@pytest.fixture
def dispatched(reported, cast):
    """The reported case, accepted yellow by town 1 and dispatched to the grid worker of grid A."""
    return advance(cast, reported, "dispatched", now=T0)


# ---------------------------------------------------------------- what the page shows


def test_case_page_shows_where_who_category_ladder_deadline_and_timeline(reported, cast, units):
    response = desk(cast.staff_town1, reported)

    assert response.status_code == 200
    text = page_text(response)
    assert "城固县 › 沙河营镇 › 梁家庵村 › 梁家庵村第一网格" in text
    assert reported.number in text and "邻居因排水沟起争执" in text
    assert "刘大爷" in text and "王刚" in text  # the named reporter and the worker who reported
    assert "邻里纠纷" in text and "镇综治中心" in text  # category and its responsibility item
    assert "刘家、张家" in text
    holder = re.search(
        r'<li class="holder" aria-current="step">(.*?)</li>', response.content.decode()
    )
    assert holder and "梁家庵村第一网格" in holder.group(1)  # held where it happened, for now
    assert response.content.decode().count('class="ev ev-report"') == 1


def test_reporters_phone_is_masked_and_never_shown_in_full(reported, cast):
    for response in (
        desk(cast.staff_town1, reported),
        client_for(cast.worker_a).get(f"/m/cases/{reported.pk}/"),
    ):
        html = response.content.decode()
        assert PHONE not in html
        assert "138****5678" in html


@pytest.mark.parametrize(
    "phone, masked",
    [("13812345678", "138****5678"), ("", ""), ("110", "***"), ("0916-1234567", "091*****4567")],
)
def test_phone_masking_keeps_only_the_ends(phone, masked):
    assert mask_phone(phone) == masked


def test_deadline_shows_time_left_then_how_long_overdue(dispatched, cast):
    dispatched.clear_by = dt.datetime.now(dt.UTC) + dt.timedelta(hours=5, minutes=30)
    dispatched.save(update_fields=["clear_by"])
    deadline = re.search(
        r'class="deadline">(.*?)</dd>', desk(cast.staff_town1, dispatched).content.decode(), re.S
    )
    assert deadline and 'class="left"' in deadline.group(1)

    dispatched.clear_by = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    dispatched.save(update_fields=["clear_by"])
    deadline = re.search(
        r'class="deadline">(.*?)</dd>', desk(cast.staff_town1, dispatched).content.decode(), re.S
    )
    assert deadline and 'class="overdue"' in deadline.group(1)


def test_timeline_names_the_system_for_automatic_events(dispatched, cast):
    CaseEvent.objects.create(
        case=dispatched,
        action="deadline_warning",
        automatic=True,
        from_status="dispatched",
        to_status="dispatched",
        created_at=T0 + dt.timedelta(hours=1),
    )
    html = desk(cast.staff_town1, dispatched).content.decode()
    warning = re.search(r'class="ev ev-deadline_warning">(.*?)</li>', html, re.S).group(1)
    assert 'class="who">系统<' in warning
    dispatch = re.search(r'class="ev ev-dispatch">(.*?)</li>', html, re.S).group(1)
    assert "陈主任" in dispatch and "王刚" in dispatch  # who dispatched, and to whom


def test_mediations_and_county_calls_are_listed(dispatched, cast, units):
    actions.case_sign(actor=cast.worker_a, case_id=dispatched.pk, now=T0)
    Mediation.objects.create(
        case=dispatched,
        level=dispatched.owner_node,
        mediator=cast.worker_a,
        parties="刘家、张家",
        outcome="failure",
        agreement="排水沟走向仍有分歧",
        created_at=T0,
    )
    text = page_text(desk(cast.staff_town1, dispatched))
    assert "排水沟走向仍有分歧" in text


# ---------------------------------------------------------------- exactly the allowed actions


def test_town_staff_on_a_reported_case_see_accept_reject_and_merge_but_not_resolve(reported, cast):
    shown = buttons(desk(cast.staff_town1, reported))

    assert shown == available_actions(cast.staff_town1, reported)
    assert set(shown) == {"accept", "reject", "merge"}
    assert "resolve" not in shown and "dispatch" not in shown


def test_grid_worker_on_a_dispatched_case_sees_sign_and_return_on_the_phone(dispatched, cast):
    response = client_for(cast.worker_a).get(f"/m/cases/{dispatched.pk}/")

    shown = buttons(response)
    assert shown == available_actions(cast.worker_a, dispatched)
    assert {"sign", "return"} <= set(shown)
    assert not {"accept", "dispatch", "verify_ok", "resolve"} & set(shown)


@pytest.mark.parametrize(
    "who", ["staff_town1", "village_chief", "worker_a", "informant_a", "county_admin"]
)
def test_buttons_are_exactly_the_available_actions_for_each_person(dispatched, cast, who):
    user = getattr(cast, who)
    response = client_for(user).get(f"/m/cases/{dispatched.pk}/")

    assert response.status_code == 200
    assert buttons(response) == available_actions(user, dispatched)


def test_town_staff_see_verify_on_a_resolved_case_and_nothing_on_a_rejected_one(
    dispatched, reported, cast, report
):
    advance(cast, dispatched, "resolved", result="已疏通", now=T0)
    assert set(buttons(desk(cast.staff_town1, dispatched))) == {"verify_ok", "verify_fail"}

    rejected = actions.case_reject(
        actor=cast.staff_town1, case_id=report().pk, reason="不属实", now=T0
    )
    response = desk(cast.staff_town1, rejected)
    assert buttons(response) == []


# ---------------------------------------------------------------- refusals


def test_grid_workers_have_no_desk_door(dispatched, cast):
    assert desk(cast.worker_a, dispatched).status_code == 403
    assert client_for(cast.worker_a).get("/desk/cases/").status_code == 403
    assert (
        client_for(cast.worker_a)
        .post(f"/desk/cases/{dispatched.pk}/act/", {"action": "sign"})
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    "who, url, action",
    [
        ("staff_town1", "/desk/cases/{pk}/act/", "resolve"),  # not from "reported"
        ("worker_a", "/m/cases/{pk}/act/", "accept"),  # not a dispatcher
        ("worker_a", "/m/cases/{pk}/act/", "no_such_action"),
    ],
)
def test_posting_an_action_one_may_not_take_is_refused_and_changes_nothing(
    reported, cast, who, url, action
):
    before = CaseEvent.objects.filter(case=reported).count()

    response = client_for(getattr(cast, who)).post(
        url.format(pk=reported.pk), {"action": action, "color": "yellow", "text": "x"}
    )

    assert response.status_code == 403
    assert Case.objects.get(pk=reported.pk).status == Status.REPORTED
    assert CaseEvent.objects.filter(case=reported).count() == before


def test_other_towns_staff_get_404_for_the_case_on_get_and_post(reported, cast):
    other = client_for(cast.staff_town2)
    assert other.get(f"/desk/cases/{reported.pk}/").status_code == 404
    assert (
        other.post(
            f"/desk/cases/{reported.pk}/act/", {"action": "accept", "color": "red"}
        ).status_code
        == 404
    )
    assert other.get(f"/m/cases/{reported.pk}/").status_code == 404
    assert (
        other.post(f"/m/cases/{reported.pk}/act/", {"action": "reject", "text": "x"}).status_code
        == 404
    )
    assert Case.objects.get(pk=reported.pk).status == Status.REPORTED
    assert reported.number not in page_text(other.get("/desk/cases/"))


def test_missing_case_is_404_and_so_is_a_sibling_grids_case_for_its_worker(dispatched, cast):
    assert client_for(cast.staff_town1).get("/desk/cases/999999/").status_code == 404
    assert client_for(cast.worker_b).get(f"/m/cases/{dispatched.pk}/").status_code == 404


def test_case_error_shows_as_a_message_on_the_page_not_a_500(reported, cast):
    response = client_for(cast.staff_town1).post(
        f"/desk/cases/{reported.pk}/act/", {"action": "reject", "text": "   "}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<details class="act act-reject" open>', html)
    assert "errorlist" in html
    assert Case.objects.get(pk=reported.pk).status == Status.REPORTED


def test_bad_form_input_shows_on_the_page(reported, cast):
    response = client_for(cast.staff_town1).post(
        f"/desk/cases/{reported.pk}/act/", {"action": "merge", "into": "NO-SUCH-NUMBER"}
    )
    assert response.status_code == 200
    assert re.search(r'<details class="act act-merge" open>', response.content.decode())
    assert Case.objects.get(pk=reported.pk).status == Status.REPORTED


def test_accepting_on_the_desk_runs_the_action_and_comes_back_to_the_page(reported, cast, tree):
    client = client_for(cast.staff_town1)
    response = client.post(
        f"/desk/cases/{reported.pk}/act/",
        {"action": "accept", "color": "orange", "owner_node": tree.town1.pk, "text": "镇级办理"},
    )

    assert response.status_code == 302 and response["Location"] == f"/desk/cases/{reported.pk}/"
    case = Case.objects.get(pk=reported.pk)
    assert (case.status, case.color, case.owner_node_id) == ("accepted", "orange", tree.town1.pk)
    follow = client.get(response["Location"])
    assert "dispatch" in buttons(follow)
    assert "镇级办理" in page_text(follow)


def test_grid_worker_signs_and_resolves_on_the_phone(dispatched, cast):
    client = client_for(cast.worker_a)
    assert (
        client.post(f"/m/cases/{dispatched.pk}/act/", {"action": "sign"})["Location"]
        == f"/m/cases/{dispatched.pk}/"
    )
    client.post(f"/m/cases/{dispatched.pk}/act/", {"action": "resolve", "text": "已疏通排水沟"})

    assert Case.objects.get(pk=dispatched.pk).status == Status.RESOLVED


# ---------------------------------------------------------------- query counts


def _pad_events(case, n):
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            action="progress",
            from_status=case.status,
            to_status=case.status,
            note=f"进展 {i}",
            created_at=T0 + dt.timedelta(minutes=i),
        )
        for i in range(n)
    )


# session, user, grants, case (+ its calls), ancestors, events, mediations, attachments, notices;
# accept's levels come from the ancestors the page has already, merge has no choice list.
DESK_REPORTED_QUERIES = 10


def test_case_page_query_count_is_pinned_and_does_not_grow_with_ten_times_the_events(
    reported, cast, django_assert_num_queries
):
    _pad_events(reported, 5)
    client = client_for(cast.staff_town1)
    with django_assert_num_queries(DESK_REPORTED_QUERIES):
        client.get(f"/desk/cases/{reported.pk}/")

    _pad_events(reported, 50)
    assert CaseEvent.objects.filter(case=reported).count() == 56
    client = client_for(cast.staff_town1)
    with django_assert_num_queries(DESK_REPORTED_QUERIES):
        response = client.get(f"/desk/cases/{reported.pk}/")
    assert response.content.decode().count('class="ev ev-progress"') == 55


@pytest.mark.parametrize(
    ("status", "who", "queries"),
    [
        # nine actions: one query more than the page itself for each choice list they show
        # (categories, the units for a county call)
        ("handling", "staff_town1", 12),
        # sign and return are the handler's only: one membership query for the unit, not one
        # per action
        ("dispatched", "outpost_staff", 11),
    ],
)
def test_the_case_page_costs_a_query_per_choice_list_never_one_per_action(
    cast, tree, units, status, who, queries, django_assert_num_queries
):
    unit = (
        {"unit": units.land_outpost, "handler": units.outpost_staff}
        if who == "outpost_staff"
        else {}
    )
    case = make_case(cast, tree.grid_a, status, now=T0, category_id=units.neighbours.pk, **unit)
    user = getattr(cast, who, None) or getattr(units, who)
    assert len(available_actions(user, case)) >= 4
    client = client_for(user)
    with django_assert_num_queries(queries):
        response = client.get(f"/desk/cases/{case.pk}/")
    assert len(buttons(response)) == len(available_actions(user, case))


def test_phone_case_page_query_count_is_pinned(dispatched, cast, django_assert_num_queries):
    _pad_events(dispatched, 5)
    client = client_for(cast.worker_a)
    # session, user, grants, case, its calls, ancestors, events, mediations, attachments, notices
    # (sign, return, progress and escalate need no choice lists)
    with django_assert_num_queries(10):
        client.get(f"/m/cases/{dispatched.pk}/")
    _pad_events(dispatched, 50)
    client = client_for(cast.worker_a)
    with django_assert_num_queries(10):
        client.get(f"/m/cases/{dispatched.pk}/")


# ---------------------------------------------------------------- the list


def test_case_list_shows_cases_in_scope_searchable_and_filtered(reported, dispatched, report, cast):
    other = report(title="路灯不亮", now=T0 + dt.timedelta(hours=1))
    client = client_for(cast.staff_town1)

    text = page_text(client.get("/desk/cases/"))
    assert other.number in text and dispatched.number in text

    text = page_text(client.get("/desk/cases/", {"q": "路灯"}))
    assert other.number in text and dispatched.number not in text

    text = page_text(client.get("/desk/cases/", {"status": "dispatched"}))
    assert dispatched.number in text and other.number not in text

    assert client.get("/desk/cases/", {"status": "nonsense", "page": "x"}).status_code == 200


def test_case_list_query_count_is_pinned_when_cases_grow_tenfold(
    report, cast, django_assert_num_queries
):
    for i in range(3):
        report(now=T0 + dt.timedelta(minutes=i))
    client = client_for(cast.staff_town1)
    # session, user, grants, count, page of cases, notices
    with django_assert_num_queries(6):
        client.get("/desk/cases/")
    for i in range(30):
        report(now=T0 + dt.timedelta(hours=1, minutes=i))
    client = client_for(cast.staff_town1)
    with django_assert_num_queries(6):
        response = client.get("/desk/cases/")
    assert response.content.decode().count("/desk/cases/") >= 33


# ---------------------------------------------------------------- the phone's home


def test_phone_home_lists_my_open_cases_soonest_deadline_first(
    dispatched, cast, django_assert_num_queries
):
    not_mine = make_case(
        cast, cast.worker_b.assignments.get().node, "accepted", title="别的网格", now=T0
    )

    client = client_for(cast.worker_a)
    # session, user, grants, posts (2), notices, and one for the open cases; + today's patrol
    # (one query), the households due a visit (one query), the worker's open errands and their
    # links to villages (one query each): staff/queries.py today_list
    with django_assert_num_queries(11):
        response = client.get("/m/")

    html = response.content.decode()
    assert f'href="/m/cases/{dispatched.pk}/"' in html
    assert f'href="/m/cases/{not_mine.pk}/"' not in html


def test_only_the_dispatched_handler_is_offered_sign_and_return(cast, tree):
    from cases.workflow import available_actions

    case = make_case(cast, tree.grid_a, "dispatched", now=T0)
    assert {"sign", "return"} <= set(available_actions(cast.worker_a, case))
    assert not {"sign", "return", "resolve"} & set(available_actions(cast.staff_town1, case))


def test_a_rated_county_call_is_not_offered_for_rating_again(cast, tree, units):
    from cases import actions
    from cases.workflow import available_actions

    staff = cast.staff_town1
    case, call = called_case(cast, tree.grid_a, units.civil, units.hardship, now=T0)
    assert "county_rate" not in available_actions(staff, case)
    actions.county_call_respond(actor=units.civil_staff, call_id=call.pk, response="已办理", now=T0)
    assert "county_rate" in available_actions(staff, case)
    assert "county_respond" not in available_actions(units.civil_staff, case)
    actions.county_call_rate(actor=staff, call_id=call.pk, rating=4, now=T0)
    assert "county_rate" not in available_actions(staff, case)


def test_a_cases_photo_is_served_only_to_people_who_may_see_the_case(
    client, cast, tree, report, media
):
    from django.core.files.base import ContentFile

    from cases.models import Attachment

    case = report()
    photo = Attachment.objects.create(
        case=case, is_photo=True, file=ContentFile(b"\xff\xd8jpeg", name="p.jpg")
    )
    url = f"/desk/cases/{case.pk}/files/{photo.pk}/"
    client.force_login(cast.staff_town1)
    response = client.get(url)
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])
        == b"\xff\xd8jpeg"
    )
    client.force_login(cast.staff_town2)
    assert client.get(url).status_code == 404
