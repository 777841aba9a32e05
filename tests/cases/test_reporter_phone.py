"""The reporter's phone is personal data: masked on every page that shows it (intake, case
page, admin), shown in full only through a logged reveal with a reason."""

import pytest

from grids.models import RevealLog

FULL = "13800001234"
MASKED = "138****1234"


@pytest.fixture
def hotline_case(report):
    return report(actor=None, source="hotline", reporter_name="张三", reporter_phone=FULL)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("staff_town1", "/desk/intake/{pk}/"),
        ("staff_town1", "/desk/cases/{pk}/"),
        ("worker_a", "/m/cases/{pk}/"),
        ("county_admin", "/admin/cases/case/{pk}/change/"),
    ],
)
def test_the_reporters_phone_is_masked_on_every_page(client, cast, hotline_case, who, url):
    client.force_login(getattr(cast, who))
    response = client.get(url.format(pk=hotline_case.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert FULL not in page
    assert MASKED in page


def test_staff_reveal_the_phone_with_a_reason_and_it_is_logged(client, cast, hotline_case):
    client.force_login(cast.staff_town1)
    url = f"/desk/cases/{hotline_case.pk}/reporter-phone/"
    page = client.get(url)
    assert page.status_code == 200 and FULL not in page.content.decode()
    refused = client.post(url, {"reason": ""})
    assert FULL not in refused.content.decode() and not RevealLog.objects.exists()
    shown = client.post(url, {"reason": "回访核实情况"})
    assert FULL in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    log = RevealLog.objects.get()
    assert (log.user, log.case, log.field, log.reason) == (
        cast.staff_town1,
        hotline_case,
        "reporter_phone",
        "回访核实情况",
    )


def test_outside_the_scope_is_404_and_without_the_right_403(client, cast, hotline_case):
    url = f"/desk/cases/{hotline_case.pk}/reporter-phone/"
    client.force_login(cast.staff_town2)
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(cast.informant_a)  # sees the case, does not work it
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert not RevealLog.objects.exists()


def test_a_case_reveal_is_listed_in_the_admin_for_its_town_only(client, cast, tree, hotline_case):
    from cases import actions
    from tests.factories import UserFactory, grant

    actions.case_reveal_reporter_phone(
        actor=cast.staff_town1, case_id=hotline_case.pk, reason="回访"
    )
    log = RevealLog.objects.get()
    client.force_login(cast.town1_admin)
    assert "回访" in client.get("/admin/grids/reveallog/").content.decode()
    assert client.get(f"/admin/grids/reveallog/{log.pk}/change/").status_code == 200
    other_admin = UserFactory()
    grant(other_admin, tree.town2, "admin")
    client.force_login(other_admin)
    assert "回访" not in client.get("/admin/grids/reveallog/").content.decode()
    assert client.get(f"/admin/grids/reveallog/{log.pk}/change/").status_code == 404
