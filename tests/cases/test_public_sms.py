"""The resident is texted their tracking code on reporting and a word when the case is
resolved: through the outbox like every notice (gridgov/notify.py), by the backend the setting
names (gridgov/sms.py); "don't text me" is respected."""

from __future__ import annotations

import logging

import pytest

from cases import actions
from cases.models import Case
from gridgov import sms
from gridgov.models import Delivery
from gridgov.notify import deliver_pending
from tests.cases.public import PHONE, filled, make_public, report_url
from tests.factories import advance, make_case

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def texts(settings):
    settings.GRIDGOV_SMS_BACKEND = "gridgov.sms.MemoryBackend"
    settings.GRIDGOV_PUBLIC_BASE_URL = ""
    sms.MemoryBackend.sent.clear()
    yield sms.MemoryBackend.sent
    sms.MemoryBackend.sent.clear()


@pytest.fixture
def public_categories(units):
    return make_public(units)


def _report(client, tree, categories, **fields) -> Case:
    response = client.post(report_url(tree.grid_a), filled(categories.fire, **fields))
    assert response.status_code == 302
    return Case.objects.order_by("-pk").first()


def test_the_resident_is_texted_the_tracking_code_on_reporting(
    client, tree, public_categories, texts
):
    case = _report(client, tree, public_categories)
    assert texts == []  # nothing leaves inside the request
    deliver_pending()
    assert len(texts) == 1
    phone, text = texts[0]
    assert phone == PHONE and case.tracking_code in text
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.state == "sent"
    assert PHONE not in delivery.target  # the delivery list does not copy the phone


def test_the_text_links_to_the_tracking_page_when_the_address_is_known(
    client, tree, public_categories, texts, settings
):
    settings.GRIDGOV_PUBLIC_BASE_URL = "https://grid.example.gov.cn"
    case = _report(client, tree, public_categories)
    deliver_pending()
    assert f"https://grid.example.gov.cn/g/track/{case.tracking_code}/" in texts[0][1]


def test_the_resident_is_texted_the_reply_when_the_case_is_resolved(
    client, cast, tree, public_categories, texts
):
    case = _report(client, tree, public_categories)
    deliver_pending()
    advance(cast, case, "handling")
    actions.case_resolve(
        actor=cast.worker_a, case_id=case.pk, result="更换灯泡，内部记录", public_reply="路灯已修好"
    )
    deliver_pending()
    assert len(texts) == 2
    phone, text = texts[1]
    assert phone == PHONE and case.tracking_code in text and "路灯已修好" in text
    assert "内部记录" not in text
    # Accepting, dispatching and signing were not for the resident's phone.
    assert Delivery.objects.filter(channel="sms").count() == 2


def test_dont_text_me_is_respected(client, cast, tree, public_categories, texts):
    case = _report(client, tree, public_categories, no_sms="on")
    advance(cast, case, "resolved")
    deliver_pending()
    assert texts == [] and not Delivery.objects.filter(channel="sms").exists()


def test_only_a_residents_own_report_with_a_mobile_is_texted(
    client, cast, tree, public_categories, texts
):
    make_case(cast, tree.grid_a, "resolved", reporter=None, source="hotline",
              reporter_name="刘大爷", reporter_phone=PHONE)  # fmt: skip
    _report(client, tree, public_categories, reporter_phone="0916-1234567")  # a landline
    deliver_pending()
    assert texts == [] and not Delivery.objects.filter(channel="sms").exists()


class Down:
    def send(self, phone, text):
        raise ConnectionRefusedError("gateway down")


def test_a_failing_backend_is_retried_and_nothing_is_lost(
    client, tree, public_categories, texts, settings
):
    settings.GRIDGOV_SMS_BACKEND = "tests.cases.test_public_sms.Down"
    _report(client, tree, public_categories)
    deliver_pending()
    delivery = Delivery.objects.get(channel="sms")
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("pending", 1, "refused")
    settings.GRIDGOV_SMS_BACKEND = "gridgov.sms.MemoryBackend"
    deliver_pending(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.state == "sent" and len(texts) == 1


def test_the_file_backend_writes_under_the_var_directory(settings, tmp_path):
    settings.GRIDGOV_SMS_DIR = tmp_path / "sms"
    settings.GRIDGOV_SMS_BACKEND = "gridgov.sms.FileBackend"
    sms.send(PHONE, "您的查询码 ABCDEFGHJK\n请保存")
    (written,) = (tmp_path / "sms").iterdir()
    line = written.read_text(encoding="utf-8")
    assert f"\t{PHONE}\t您的查询码 ABCDEFGHJK 请保存\n" in line
    assert written.stat().st_mode & 0o077 == 0  # its owner's only


def test_the_console_backend_logs_the_message_with_the_phone_masked(settings, caplog):
    settings.GRIDGOV_SMS_BACKEND = "gridgov.sms.ConsoleBackend"
    with caplog.at_level(logging.INFO, logger="gridgov.sms"):
        sms.send(PHONE, "查询码 ABCDEFGHJK")
    assert "139****5678" in caplog.text and "查询码 ABCDEFGHJK" in caplog.text
    assert PHONE not in caplog.text
