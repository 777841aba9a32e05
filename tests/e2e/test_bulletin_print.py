"""A grid's bulletin as chromium prints it: one A4 page (and one A3 page), the system's Chinese
fonts, the portrait and the QR code drawn, nothing fetched from another host; and the grid's
page it leads to, on a 360-pixel phone without sideways scrolling."""

import io
import re

import pytest
from PIL import Image, ImageDraw

from grids import actions as grid_actions
from staff import actions as staff_actions
from staff.models import Assignment
from staff.portraits import clean_portrait
from tests.e2e.conftest import ARTIFACTS, overflowing, page_width, url
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.usefixtures("media")

A4_PX = (794, 1123)  # 210 × 297 mm at 96 pixels to the inch


def _portrait_upload():
    """A head-and-shoulders silhouette, as a phone would send it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = Image.new("RGB", (600, 800), (214, 228, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((190, 150, 410, 400), fill=(120, 130, 145))
    draw.ellipse((90, 430, 510, 900), fill=(60, 70, 90))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return SimpleUploadedFile("me.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def board(cast, tree):
    grid_actions.node_update(
        actor=None,
        node_id=tree.town1.pk,
        hotline="0916-7231000",
        office_hours="周一至周五 8:30–12:00，14:30–18:00",
    )
    staff_actions.profile_update(
        actor=None,
        user_id=cast.worker_a.pk,
        work_phone="13991610001",
        show_work_phone=True,
        photo=clean_portrait(_portrait_upload()),
    )
    staff_actions.profile_update(
        actor=None, user_id=cast.village_chief.pk, work_phone="13991610003", show_work_phone=True
    )
    post = Assignment.objects.get(user=cast.worker_a)
    staff_actions.assignment_update(
        actor=None,
        assignment_id=post.pk,
        role=post.role,
        starts=post.starts,
        ends=None,
        duties="每天巡查网格，发现问题随手拍、随时报\n走访入户：重点户每周、监测户每月\n"
        "三必到、四必报、五必访\n矛盾纠纷第一时间调解，小事不出网格",
    )
    for username, name, role in (
        ("zhoudao", "周道远", "instructor"),
        ("ljparty1", "梁德明", "party_household"),
        ("ljparty2", "张秀兰", "party_household"),
    ):
        grant(UserFactory(username=username, first_name=name), tree.grid_a, role)
    return tree.grid_a


def _pdf_pages(data: bytes) -> list[bytes]:
    return re.findall(rb"/MediaBox\s*\[[^\]]*\]", data)


def test_a_grids_bulletin_prints_on_one_a4_page_with_its_portrait_and_qr_code(
    desk, live_server, board, offsite_requests, screenshot
):
    desk.set_viewport_size({"width": A4_PX[0], "height": A4_PX[1]})
    desk.goto(url(live_server, f"/g/{board.code}/bulletin/?size=a4"))
    desk.emulate_media(media="print")
    sheet = desk.locator("article.sheet")
    assert sheet.count() == 1
    box = sheet.bounding_box()
    assert round(box["width"]) == A4_PX[0] and round(box["height"]) == A4_PX[1]
    assert desk.locator(".print-tools").is_hidden()  # the on-screen tools do not print
    qr = desk.locator(".qr-box svg.qr").bounding_box()
    assert qr["width"] > 120 and qr["width"] == qr["height"]  # about 4 cm: a phone reads it
    portrait = desk.locator("img.portrait")
    assert portrait.evaluate("img => img.complete && img.naturalWidth > 0")
    family = desk.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Noto Sans CJK SC"')
    screenshot(desk, "a4")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = desk.pdf(prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / "bulletin-a4.pdf").write_bytes(pdf)
    (media_box,) = _pdf_pages(pdf)  # one page
    assert b"594.9" in media_box and b"841.9" in media_box  # A4 in points
    assert offsite_requests == []


def test_the_a3_bulletin_is_one_a3_page(desk, live_server, board, offsite_requests):
    desk.goto(url(live_server, f"/g/{board.code}/bulletin/?size=a3"))
    desk.emulate_media(media="print")
    pdf = desk.pdf(prefer_css_page_size=True, print_background=True)
    (media_box,) = _pdf_pages(pdf)
    assert b"841.9" in media_box and b"1191.1" in media_box  # A3 in points
    assert offsite_requests == []


def test_the_grids_page_fits_a_phone_and_names_who_serves(
    phone, live_server, board, offsite_requests, screenshot
):
    phone.goto(url(live_server, f"/g/{board.code}/"))
    assert "王刚" in phone.locator("main").inner_text()
    assert phone.locator("a.report-button").is_visible()
    assert page_width(phone) <= 360, overflowing(phone)
    screenshot(phone, "phone")
    assert offsite_requests == []
