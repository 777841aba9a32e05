"""A resident reports a problem from their grid's page (/g/<code>/report/): cases/public/report.py
and cases/actions/public.py, with the door's guards against robots (cases/public/guards.py)."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.utils import timezone
from PIL import Image

from cases.models import Attachment, Case, ResidentReporting
from cases.public import guards
from cases.queries.intake import queue
from tests.cases.public import (
    PHONE,
    english,
    filled,
    jpeg,
    make_public,
    report_url,
)
from tests.conftest import page_text

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def en(client):
    return english(client)


@pytest.fixture
def public_categories(units):
    return make_public(units)


def test_a_resident_reports_from_the_grid_page_and_the_report_enters_the_town_intake_queue(
    client, tree, cast, public_categories
):
    page = client.get(report_url(tree.grid_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert "邻里矛盾" in html and "着火了" in html  # the residents' names of the categories
    assert "土地纠纷" not in html and "生活困难" not in html  # not public
    assert "<optgroup" in html

    response = client.post(
        report_url(tree.grid_a),
        filled(public_categories.neighbours, reporter_phone="+86 139-1234-5678", photos=[jpeg()]),
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/g/track/{case.tracking_code}/"
    assert (case.source, case.reporter, case.node, case.owner_node) == (
        "resident",
        None,
        tree.grid_a,
        tree.grid_a,
    )
    assert case.status == "reported" and case.category == public_categories.neighbours
    assert case.reporter_phone == PHONE  # normalised: digits only
    assert case.reporter_name == "刘大爷" and case.location == "村口大槐树旁"
    assert case.title.startswith("邻里纠纷：村口路灯坏了")  # the desk reads its own category
    assert list(queue(cast.staff_town1)) == [case]
    assert list(queue(cast.staff_town2)) == []
    photo = Attachment.objects.get(case=case)
    assert photo.is_photo and photo.uploaded_by is None
    with Image.open(photo.file.path) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
    followed = client.get(response["Location"])
    assert case.tracking_code in page_text(followed)  # the code, said once more after the report


def test_the_reporter_phone_is_masked_on_the_desk_like_every_phone(
    client, tree, cast, public_categories
):
    client.post(report_url(tree.grid_a), filled(public_categories.neighbours))
    case = Case.objects.get()
    client.force_login(cast.staff_town1)
    desk = client.get(f"/desk/cases/{case.pk}/").content.decode()
    assert PHONE not in desk and "139****5678" in desk


@pytest.mark.parametrize("place", ["micro_a1", "grid_a", "village1", "town1"])
def test_a_report_may_name_a_micro_grid_grid_village_or_town(
    client, tree, public_categories, place
):
    node = getattr(tree, place)
    assert client.get(report_url(node)).status_code == 200
    response = client.post(report_url(node), filled(public_categories.fire))
    assert response.status_code == 302
    assert Case.objects.get().node == node


@pytest.mark.parametrize(
    "code", ["610722", "999999999999999", "61072210720100x", "6107221072010019"]
)
def test_any_other_code_is_not_found(client, tree, public_categories, code):
    assert client.get(f"/g/{code}/report/").status_code == 404
    assert client.post(f"/g/{code}/report/", filled(public_categories.fire)).status_code == 404
    assert not Case.objects.exists()


def test_only_the_public_categories_may_be_chosen(en, tree, public_categories):
    response = en.post(report_url(tree.grid_a), filled(public_categories.land))
    assert response.status_code == 400
    assert "Select a valid choice" in page_text(response)
    assert not Case.objects.exists()


def test_the_phone_is_required_unless_the_town_allows_anonymous_reports(
    en, tree, public_categories
):
    response = en.post(report_url(tree.grid_a), filled(public_categories.fire, reporter_phone=""))
    assert response.status_code == 400
    assert "Give a phone number, so that we can call you back." in page_text(response)
    assert not Case.objects.exists()

    ResidentReporting.objects.create(town=tree.town1, anonymous_allowed=True)
    page = en.get(report_url(tree.grid_a))
    assert "(optional here)" in page_text(page)
    response = en.post(
        report_url(tree.grid_a),
        filled(public_categories.fire, reporter_phone="", reporter_name=""),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.reporter_phone == "" and case.sms_opt_out  # nobody to text
    # Town 2 did not allow it.
    response = en.post(report_url(tree.grid_c), filled(public_categories.fire, reporter_phone=""))
    assert response.status_code == 400


@pytest.mark.parametrize("typed", ["12345", "1391234567", "23912345678", "电话号码", "+1 555 0100"])
def test_a_phone_that_is_no_phone_number_is_refused(en, tree, public_categories, typed):
    response = en.post(
        report_url(tree.grid_a), filled(public_categories.fire, reporter_phone=typed)
    )
    assert response.status_code == 400
    assert "Give a mobile number (11 digits) or a landline with its area code." in page_text(
        response
    )
    assert not Case.objects.exists()


def test_a_landline_with_its_area_code_is_a_phone(client, tree, public_categories):
    client.post(
        report_url(tree.grid_a), filled(public_categories.fire, reporter_phone="0916-1234567")
    )
    assert Case.objects.get().reporter_phone == "09161234567"


def test_dont_text_me_is_kept_on_the_case(client, tree, public_categories):
    client.post(report_url(tree.grid_a), filled(public_categories.fire, no_sms="on"))
    assert Case.objects.get().sms_opt_out


def test_at_most_three_photos_and_each_must_be_a_photo(en, tree, public_categories):
    four = [jpeg(f"p{i}.jpg") for i in range(4)]
    response = en.post(report_url(tree.grid_a), filled(public_categories.fire, photos=four))
    assert response.status_code == 400
    assert "At most 3 photos per report." in page_text(response)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    response = en.post(report_url(tree.grid_a), filled(public_categories.fire, photos=[fake]))
    assert response.status_code == 400
    assert "x.jpg is not a photo." in page_text(response)
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_filled_honeypot_is_refused_with_a_message(en, tree, public_categories):
    response = en.post(report_url(tree.grid_a), filled(public_categories.fire, website="http://x"))
    assert response.status_code == 400
    assert "was filled in, so the report was not sent" in page_text(response)
    assert not Case.objects.exists()


def test_the_honeypot_is_hidden_from_people(client, tree, public_categories):
    html = client.get(report_url(tree.grid_a)).content.decode()
    assert '<div class="sr" aria-hidden="true"><label for="id_website">' in html
    assert 'tabindex="-1"' in html


def test_a_form_sent_back_quicker_than_a_person_fills_it_is_refused(
    en, tree, public_categories, settings
):
    settings.GRIDGOV_PUBLIC_REPORT_MIN_SECONDS = 5
    just_now = guards.form_token(time.time() - 1)
    response = en.post(report_url(tree.grid_a), filled(public_categories.fire, started=just_now))
    assert response.status_code == 400
    assert "quicker than a person can fill in the form" in page_text(response)
    assert not Case.objects.exists()
    # The form shown again keeps the moment it was first shown: sent again later, it passes.
    assert f'name="started" value="{just_now}"' in response.content.decode()


def test_the_form_page_signs_the_moment_it_was_shown(client, tree, public_categories):
    html = client.get(report_url(tree.grid_a)).content.decode()
    token = html.split('name="started" value="')[1].split('"')[0]
    assert 0 <= guards.form_age(token) < 5


@pytest.mark.parametrize("started", ["", "123", "MTIz:1abc:xyz", None])
def test_a_form_without_our_signed_time_is_refused(en, tree, public_categories, started):
    data = filled(public_categories.fire, started=started)
    if started is None:
        data.pop("started")
    response = en.post(report_url(tree.grid_a), data)
    assert response.status_code == 400
    assert "This form is too old or damaged." in page_text(response)
    assert not Case.objects.exists()


def test_a_form_shown_more_than_a_week_ago_is_refused(en, tree, public_categories):
    old = guards.form_token(time.time() - 8 * 24 * 3600)
    response = en.post(report_url(tree.grid_a), filled(public_categories.fire, started=old))
    assert response.status_code == 400
    assert "This form is too old or damaged." in page_text(response)


def test_one_phone_sends_at_most_the_daily_limit_and_the_message_says_it(
    en, tree, public_categories, settings
):
    settings.GRIDGOV_PUBLIC_REPORTS_PER_PHONE = 2
    for text in ("路灯坏了", "井盖丢了"):
        assert (
            en.post(
                report_url(tree.grid_a), filled(public_categories.fire, description=text)
            ).status_code
            == 302
        )
    response = en.post(
        report_url(tree.grid_b), filled(public_categories.fire, description="河里有垃圾")
    )
    assert response.status_code == 400
    assert "One phone number may send at most 2 reports a day." in page_text(response)
    assert Case.objects.count() == 2
    other = en.post(
        report_url(tree.grid_b),
        filled(public_categories.fire, description="河里有垃圾", reporter_phone="13700000000"),
    )
    assert other.status_code == 302


def test_one_address_sends_at_most_the_daily_limit_and_the_message_says_it(
    en, tree, public_categories, settings
):
    settings.GRIDGOV_PUBLIC_REPORTS_PER_IP = 2
    for i in range(2):
        data = filled(
            public_categories.fire, description=f"第{i}件事", reporter_phone=f"1370000000{i}"
        )
        assert en.post(report_url(tree.grid_a), data).status_code == 302
    data = filled(public_categories.fire, description="第三件事", reporter_phone="13700000009")
    response = en.post(report_url(tree.grid_a), data)
    assert response.status_code == 400
    assert "At most 2 reports a day may be sent from one internet connection." in page_text(
        response
    )
    assert Case.objects.count() == 2
    elsewhere = en.post(report_url(tree.grid_a), data, REMOTE_ADDR="10.9.8.7")
    assert elsewhere.status_code == 302


def test_refused_reports_do_not_count_against_the_address(en, tree, public_categories, settings):
    settings.GRIDGOV_PUBLIC_REPORTS_PER_IP = 1
    en.post(report_url(tree.grid_a), filled(public_categories.fire, website="robot"))
    assert en.post(report_url(tree.grid_a), filled(public_categories.fire)).status_code == 302


def test_the_same_report_again_within_the_hour_is_refused_with_its_tracking_code(
    en, tree, public_categories
):
    en.post(report_url(tree.grid_a), filled(public_categories.fire, description="村口路灯坏了三天"))
    first = Case.objects.get()
    again = filled(public_categories.fire, description="村口路灯 坏了三天！", photos=[jpeg()])
    response = en.post(report_url(tree.grid_a), again)
    assert response.status_code == 400
    text = page_text(response)
    assert f"You already reported this: its tracking code is {first.tracking_code}." in text
    assert f'href="/g/track/{first.tracking_code}/"' in response.content.decode()
    assert Case.objects.count() == 1 and not Attachment.objects.exists()  # nothing half-saved


def test_the_same_text_is_not_a_duplicate_from_another_phone_grid_or_an_hour_later(
    client, tree, public_categories
):
    from cases import actions

    text = "村口路灯坏了三天"
    t0 = timezone.now() - dt.timedelta(hours=2)
    actions.case_report_by_resident(
        node_id=tree.grid_a.pk,
        category_id=public_categories.fire.pk,
        description=text,
        reporter_phone=PHONE,
        now=t0,
    )
    assert (
        client.post(
            report_url(tree.grid_a), filled(public_categories.fire, description=text)
        ).status_code
        == 302
    )  # two hours later
    assert (
        client.post(
            report_url(tree.grid_b), filled(public_categories.fire, description=text)
        ).status_code
        == 302
    )  # another grid
    other_phone = filled(public_categories.fire, description=text, reporter_phone="13700000000")
    assert client.post(report_url(tree.grid_a), other_phone).status_code == 302
    assert Case.objects.count() == 4


def test_a_different_problem_from_the_same_phone_is_not_a_duplicate(
    client, tree, public_categories
):
    client.post(report_url(tree.grid_a), filled(public_categories.fire, description="村口路灯坏了"))
    response = client.post(
        report_url(tree.grid_a), filled(public_categories.fire, description="二组的井盖被偷走了")
    )
    assert response.status_code == 302 and Case.objects.count() == 2


def test_photos_and_the_case_are_saved_together_or_not_at_all(
    client, tree, public_categories, monkeypatch
):
    made = []
    real_create = Attachment.objects.create

    def second_fails(**fields):
        if made:
            raise OSError("disk full")
        made.append(real_create(**fields))
        return made[-1]

    monkeypatch.setattr(Attachment.objects, "create", second_fails)
    client.raise_request_exception = False
    client.post(
        report_url(tree.grid_a), filled(public_categories.fire, photos=[jpeg(), jpeg("b.jpg")])
    )
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_the_offline_sender_gets_json_and_a_retry_finds_the_first_case(
    client, tree, public_categories
):
    sid = "3f2c7a9e-1b2d-4c5e-8f90-a1b2c3d4e5f6"
    data = filled(public_categories.fire, submission_id=sid)
    headers = {"HTTP_X_REQUESTED_WITH": "gridgov-offline"}
    first = client.post(report_url(tree.grid_a), data, **headers)
    case = Case.objects.get()
    assert first.json() == {
        "ok": True,
        "number": case.tracking_code,
        "url": f"/g/track/{case.tracking_code}/",
    }
    again = client.post(report_url(tree.grid_a), data, **headers)
    assert again.json()["number"] == case.tracking_code
    assert Case.objects.count() == 1
    refused = client.post(
        report_url(tree.grid_a), filled(public_categories.fire, website="x"), **headers
    )
    assert refused.status_code == 400 and refused.json()["ok"] is False


def test_the_page_works_without_javascript_and_names_only_its_own_script(
    client, tree, public_categories
):
    html = client.get(report_url(tree.grid_a)).content.decode()
    assert '<form method="post" enctype="multipart/form-data"' in html
    assert 'name="photos"' in html and 'type="submit"' in html
    assert "http://" not in html and "https://" not in html
    assert 'id="m-report"' in html  # the workers' offline sender takes it up when JS runs


NASTY = ["\x00", "a\x00b", "²", "NaN", "-1", "1e999", "x" * 6000, "<script>", "2026-13-45", " "]


@pytest.mark.parametrize(
    "field",
    [
        "category",
        "description",
        "location",
        "latitude",
        "longitude",
        "reporter_name",
        "reporter_phone",
        "no_sms",
        "submission_id",
        "website",
        "started",
    ],
)
def test_bad_input_in_any_field_never_makes_a_server_error_or_a_half_save(
    client, tree, public_categories, field
):
    client.raise_request_exception = False
    for value in NASTY:
        response = client.post(
            report_url(tree.grid_a), filled(public_categories.fire, **{field: value})
        )
        assert response.status_code < 500, (field, value)
        if response.status_code >= 400:
            assert not Case.objects.exists(), (field, value)
        Case.objects.all().delete()


def test_a_bomb_of_a_photo_is_refused_not_a_server_error(en, tree, public_categories):
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bomb = SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")
    response = en.post(report_url(tree.grid_a), filled(public_categories.fire, photos=[bomb]))
    assert response.status_code == 400 and "too many pixels" in page_text(response)
