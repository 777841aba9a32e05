"""One cleaning layer for every text that enters: control characters removed, lengths
bounded, numbers read strictly; the inputs that used to make a 500 now get a page."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.cleaning import MAX_FIELD_CHARS, clean_text, parse_decimal, parse_id, parse_int
from staff.models import Patrol


@given(st.text())
def test_cleaned_text_has_no_control_characters_but_keeps_tabs_and_lines(value):
    cleaned = clean_text(value)
    assert not any(ord(c) < 32 and c not in "\t\n" or ord(c) == 127 for c in cleaned)
    assert cleaned.count("\n") >= value.replace("\r\n", "\n").count("\n")


def test_line_ends_become_newlines_and_length_is_bounded():
    assert clean_text("a\r\nb\rc\x00d\x1f", 4) == "a\nb\n"


@pytest.mark.parametrize("value", ["²", "٣", "1e3", "0x1F", " ", "", "99999999999999999999", None])
def test_only_ascii_digits_are_a_number(value):
    assert parse_id(value) is None


def test_numbers_in_plain_digits_are_read():
    assert parse_int(" -12 ") == -12
    assert parse_id("42") == 42
    assert parse_id("0") is None and parse_id(str(2**31)) is None


@pytest.mark.parametrize("value", ["NaN", "nan", "Infinity", "-inf", "1e9", "181", "", "²"])
def test_a_coordinate_must_be_a_finite_plain_decimal_in_range(value):
    assert parse_decimal(value, limit=Decimal(180)) is None


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("staff_town1", "/desk/tree/?q=a%00b"),
        ("staff_town1", "/desk/cases/?q=%00"),
        ("staff_town1", "/desk/cases/?node=%C2%B2"),
        ("worker_a", "/m/ledger/?q=%00x"),
        ("county_admin", "/admin/grids/gridnode/?q=%00"),
        (
            "county_admin",
            "/admin/autocomplete/?app_label=staff&model_name=assignment&field_name=node&term=%00",
        ),
    ],
)
def test_a_nul_or_a_non_ascii_digit_in_a_query_string_gets_the_page(client, cast, who, url):
    client.force_login(getattr(cast, who))
    assert client.get(url).status_code == 200


def test_a_patrol_with_nan_coordinates_starts_without_them(client, cast, tree):
    client.force_login(cast.worker_a)
    response = client.post(
        "/m/patrol/", {"do": "start", "node": tree.grid_a.pk, "lat": "NaN", "lng": "Infinity"}
    )
    assert response.status_code == 302
    patrol = Patrol.objects.get()
    assert patrol.start_latitude is None and patrol.start_longitude is None


def test_a_nul_in_a_posted_field_is_removed_before_the_form_sees_it(client, cast, tree):
    client.force_login(cast.worker_a)
    client.post("/m/patrol/", {"do": "start", "node": tree.grid_a.pk})
    patrol = Patrol.objects.get()
    client.post("/m/patrol/", {"do": "finish", "patrol": patrol.pk, "notes": "无\x00异常\x01"})
    patrol.refresh_from_db()
    assert patrol.notes == "无异常"


def test_a_field_over_the_bound_is_refused_with_a_page_not_a_500(client, cast, tree):
    client.force_login(cast.worker_a)
    response = client.post("/m/patrol/", {"do": "start", "notes": "x" * (MAX_FIELD_CHARS + 1)})
    assert response.status_code == 400
    assert not Patrol.objects.exists()


def test_a_nul_in_a_path_is_not_found(client, cast):
    client.force_login(cast.staff_town1)
    assert client.get("/desk/cases/%00/").status_code == 404


@pytest.mark.parametrize("text", ['{"a": "\\u0000"}', '{"a": NaN}', "[Infinity]", "{"])
def test_json_that_the_database_would_refuse_is_a_form_error(text):
    from django import forms

    from gridgov.cleaning import StrictJSONField

    with pytest.raises(forms.ValidationError):
        StrictJSONField().clean(text)
    assert StrictJSONField().clean('{"type": "Polygon"}') == {"type": "Polygon"}
