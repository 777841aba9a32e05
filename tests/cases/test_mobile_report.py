"""Reporting a case from the phone: /m/report/ (cases/mobile/report.py, cases/photos.py)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from cases import photos
from cases.models import Attachment, Case, CaseEvent
from grids.models import Household, Resident
from tests.conftest import page_text

URL = "/m/report/"


pytestmark = pytest.mark.usefixtures("media")


def jpeg(name="p.jpg", size=(64, 48), exif=None, fmt="JPEG") -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 80, 40))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def blank_png(name: str, width: int, height: int) -> SimpleUploadedFile:
    """A valid one-bit PNG of any size, a few kilobytes: blank rows compress to nothing."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = bytes(1 + (width + 7) // 8)  # filter byte 0, then white-or-black bits
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, data, content_type="image/png")


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (39.0, 54.0, 15.0)
    gps[3] = "E"
    gps[4] = (116.0, 23.0, 30.0)
    return exif


@pytest.fixture
def form(units, tree):
    def make(**extra):
        data = {
            "category": units.neighbours.pk,
            "description": "两户因排水沟走向争吵\n需调解。",
            "node": tree.grid_a.pk,
            "location": "村东头",
            "parties": "张三",
        }
        data.update(extra)
        return data

    return make


def login(client, user):
    client.force_login(user)
    return client


def test_a_grid_worker_reports_a_case_with_a_photo_and_lands_on_its_page(client, cast, form):
    login(client, cast.worker_a)
    page = client.get(URL)
    assert page.status_code == 200
    assert "<optgroup" in page.content.decode()  # categories grouped without JavaScript
    response = client.post(URL, form(photos=[jpeg()], latitude="39.9", longitude="116.4"))
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("case_mobile", args=[case.pk])
    assert case.status == "reported" and case.reporter == cast.worker_a
    assert case.source == "patrol" and case.title.startswith("邻里纠纷")
    assert str(case.latitude) == "39.900000" and case.parties == "张三"
    assert Attachment.objects.filter(case=case, is_photo=True).count() == 1
    assert client.get(response.url).status_code == 200
    assert case.number in page_text(client.get(URL))  # under "my reports"


def test_a_report_costs_nine_statements_whatever_is_in_the_database(
    client, cast, form, report, django_assert_num_queries
):
    login(client, cast.worker_a)
    for i in range(5):
        report(title=f"旧事 {i}")
    # session, user, grants, the form's places and categories, the town's number (found by the
    # place's span in the same statement), then the case, its history and its notice; the
    # savepoint and its release are the action's transaction inside the test's own.
    with django_assert_num_queries(9 + 2):
        response = client.post(URL, form(submission_id="3f2b8c1e-0000-4000-8000-0000000000aa"))
    assert response.status_code == 302
    first = Case.objects.get(submission_id="3f2b8c1e-0000-4000-8000-0000000000aa")
    with django_assert_num_queries(9 + 2):
        client.post(URL, form(submission_id="3f2b8c1e-0000-4000-8000-0000000000ab"))
    second = Case.objects.get(submission_id="3f2b8c1e-0000-4000-8000-0000000000ab")
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_another_persons_submission_id_never_returns_their_case(client, cast, form):
    data = form(submission_id="3f2b8c1e-0000-4000-8000-00000000000b")
    login(client, cast.worker_a).post(URL, data)
    response = login(client, cast.informant_a).post(URL, data)
    assert response.status_code == 400 and Case.objects.count() == 1
    assert "此表单已提交过" in page_text(response)  # "This form was already used"


def test_an_informant_can_report_and_gets_no_settle_option(client, cast, form):
    login(client, cast.informant_a)
    assert "settled" not in client.get(URL).content.decode()
    client.post(URL, form())
    assert Case.objects.get().source == "informant"


def test_a_desk_only_user_is_refused(client, cast):
    assert login(client, cast.staff_town1).get(URL).status_code == 403


def test_anonymous_goes_to_login(client, db):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize(
    "change, field",
    [
        ({"description": ""}, "description"),
        ({"category": ""}, "category"),
        ({"node": "grid_c"}, "node"),  # a grid of another town: not one of theirs
    ],
)
def test_bad_input_gives_field_errors_and_saves_nothing(client, cast, form, tree, change, field):
    if change.get("node") == "grid_c":
        change = {"node": tree.grid_c.pk}
    response = login(client, cast.worker_a).post(URL, form(**change))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Case.objects.exists()


def test_a_text_file_named_jpg_is_refused_with_a_clear_error(client, cast, form):
    fake = SimpleUploadedFile("scene.jpg", b"not a photo at all", content_type="image/jpeg")
    response = login(client, cast.worker_a).post(URL, form(photos=[fake]))
    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == ["scene.jpg 不是照片。"]
    assert "scene.jpg 不是照片。" in page_text(response)
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_seven_photos_are_refused(client, cast, form):
    response = login(client, cast.worker_a).post(URL, form(photos=[jpeg() for _ in range(7)]))
    assert response.status_code == 400 and response.context["form"].errors["photos"]
    assert not Case.objects.exists()


def test_an_oversize_photo_is_refused(client, cast, form, monkeypatch):
    monkeypatch.setattr(photos, "MAX_UPLOAD_BYTES", 1000)
    response = login(client, cast.worker_a).post(URL, form(photos=[jpeg(size=(400, 400))]))
    assert response.status_code == 400 and "过大" in str(response.context["form"].errors)
    assert not Case.objects.exists()


def test_a_decompression_bomb_is_refused_before_decoding(settings, monkeypatch):
    settings.PHOTO_MAX_PIXELS = 100
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    with pytest.raises(photos.ValidationError) as refused:
        photos.clean_photo(jpeg(size=(20, 20)))
    assert refused.value.code == "too_many_pixels"


def test_stored_photos_lose_their_exif_and_are_scaled_down(client, cast, form):
    upload = jpeg(size=(2400, 1200), exif=gps_exif())
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(0x8825)  # it had GPS
    upload.seek(0)
    login(client, cast.worker_a).post(URL, form(photos=[upload]))
    stored = Attachment.objects.get()
    with stored.file.open("rb") as fh, Image.open(fh) as image:
        assert image.format == "JPEG"
        assert max(image.size) == photos.LONGEST_SIDE
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info
    assert stored.file.size <= photos.MAX_STORED_BYTES


def test_a_png_is_accepted_and_stored_as_jpeg(client, cast, form):
    login(client, cast.worker_a).post(URL, form(photos=[jpeg("a.png", fmt="PNG")]))
    assert Attachment.objects.get().file.name.endswith(".jpg")


def test_the_same_submission_posted_twice_makes_one_case(client, cast, form):
    login(client, cast.worker_a)
    data = form(submission_id="3f2b8c1e-0000-4000-8000-000000000001")
    first = client.post(URL, data)
    second = client.post(URL, data, headers={"X-Requested-With": "gridgov-offline"})
    case = Case.objects.get()
    assert first.url == reverse("case_mobile", args=[case.pk])
    assert second.json() == {
        "ok": True,
        "number": case.number,
        "url": reverse("case_mobile", args=[case.pk]),
        "again": True,
    }


def test_a_retry_that_no_longer_validates_still_answers_with_the_first_case(
    client, cast, form, tree
):
    login(client, cast.worker_a)
    data = form(submission_id="3f2b8c1e-0000-4000-8000-000000000002")
    client.post(URL, data)
    # Between the first send and the retry the grid left the worker's places: the form fails,
    # but the submission was saved the first time, so the phone is told so, not refused.
    retry = {**data, "node": str(tree.grid_c.pk)}
    response = client.post(URL, retry, headers={"X-Requested-With": "gridgov-offline"})
    case = Case.objects.get()
    assert response.json()["again"] is True and response.json()["number"] == case.number


def test_a_form_shown_again_with_errors_keeps_the_ledger_picker(client, cast, form, tree):
    home = Household.objects.create(node=tree.grid_a, address="东街1号", head_name="李四")
    Resident.objects.create(household=home, name="李四")
    response = login(client, cast.worker_a).post(URL, form(description=""))
    assert response.status_code == 400
    assert "residents" in response.context["form"].fields and "李四" in page_text(response)


def test_a_report_sent_reads_only_the_grid_and_the_category_it_names(client, cast, form, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, cast.worker_a)
    client.post(URL, form())  # the town's first number of the year reads the town: not counted
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, form()).status_code == 302
    reads = [q["sql"] for q in queries.captured_queries]
    categories = [
        sql for sql in reads if sql.startswith("SELECT") and 'FROM "cases_category"' in sql
    ]
    places = [sql for sql in reads if sql.startswith("SELECT") and 'FROM "grids_gridnode"' in sql]
    assert len(categories) == 1 and '"cases_category"."id" IN' in categories[0]
    assert len(places) == 1 and '"grids_gridnode"."id" IN' in places[0]


def test_a_report_shown_again_with_errors_offers_every_grid_and_category(
    client, cast, form, tree, units
):
    response = login(client, cast.worker_a).post(URL, form(description=""))
    assert response.status_code == 400
    fields = response.context["form"].fields
    offered = {str(value) for value, _label in fields["node"].choices}
    assert {str(tree.grid_a.pk), str(tree.micro_a1.pk)} <= offered
    categories = [v for _group, options in fields["category"].choices[1:] for v, _l in options]
    assert units.neighbours.pk in categories and units.land.pk in categories
    assert "settled" in fields  # the worker handles cases where they report


def test_a_report_naming_a_grid_outside_the_area_is_refused_and_saves_nothing(
    client, cast, form, tree
):
    response = login(client, cast.worker_a).post(URL, form(node=tree.grid_b.pk))
    assert response.status_code == 400
    assert "node" in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_report_that_names_no_one_from_the_ledger_is_saved_without_reading_it(
    client, cast, form, tree, django_assert_num_queries
):
    home = Household.objects.create(node=tree.grid_a, address="东街1号", head_name="李四")
    li = Resident.objects.create(household=home, name="李四")
    login(client, cast.worker_a)
    client.post(URL, form())
    with django_assert_num_queries(9 + 2 + 1):  # the ledger, when a name is chosen from it
        client.post(URL, form(residents=[li.pk]))
    assert Case.objects.order_by("pk").last().parties == "李四、张三"


def test_the_offline_sender_gets_errors_as_json(client, cast, form):
    response = login(client, cast.worker_a).post(
        URL, form(description=""), headers={"X-Requested-With": "gridgov-offline"}
    )
    assert response.status_code == 400 and "description" in response.json()["errors"]


def test_settled_on_the_spot_makes_a_resolved_case_with_its_whole_history(client, cast, form):
    login(client, cast.worker_a).post(
        URL, form(settled="on", suggested_color="yellow", result="两户当场达成一致。")
    )
    case = Case.objects.get()
    assert case.status == "resolved" and case.color == "yellow"
    assert case.handler == cast.worker_a and case.result == "两户当场达成一致。"
    events = list(CaseEvent.objects.filter(case=case).order_by("pk"))
    assert [e.action for e in events] == ["report", "accept", "dispatch", "sign", "resolve"]
    assert [e.actor for e in events] == [cast.worker_a, None, None, cast.worker_a, cast.worker_a]
    assert "王刚" in events[1].note


def test_settling_on_the_spot_needs_a_yellow_matter_and_a_result(client, cast, form, units):
    response = login(client, cast.worker_a).post(
        URL,
        form(category=units.land.pk, settled="on"),  # land disputes suggest orange
    )
    errors = response.context["form"].errors
    assert response.status_code == 400 and errors["settled"] and errors["result"]
    assert not Case.objects.exists()


def test_parties_can_be_picked_from_the_grid_ledger(client, cast, form, tree):
    home = Household.objects.create(node=tree.grid_a, address="东街1号", head_name="李四")
    li = Resident.objects.create(household=home, name="李四")
    elsewhere = Household.objects.create(node=tree.grid_c, address="西街", head_name="外人")
    stranger = Resident.objects.create(household=elsewhere, name="外人")
    login(client, cast.worker_a)
    page = client.get(URL).content.decode()
    assert "李四" in page and "外人" not in page
    client.post(URL, form(residents=[li.pk]))
    assert Case.objects.get().parties == "李四、张三"
    response = client.post(URL, form(residents=[stranger.pk]))
    assert response.status_code == 400 and Case.objects.count() == 1


def test_the_form_page_reads_the_same_queries_for_ten_times_the_ledger(
    client, cast, tree, units, django_assert_num_queries
):
    from cases.models import Category

    login(client, cast.worker_a)

    def grow(n):
        for i in range(n):
            home = Household.objects.create(node=tree.grid_a, address=f"{i}号", head_name=f"户{i}")
            Resident.objects.create(household=home, name=f"居民{i}")
            Category.objects.create(name=f"类别{n}-{i}", group="other")

    grow(3)
    with django_assert_num_queries(QUERIES):
        assert client.get(URL).status_code == 200
    grow(30)
    with django_assert_num_queries(QUERIES):
        page = client.get(URL)
    assert "居民29" in page.content.decode()


QUERIES = 8


def _photo_errors(response) -> list:
    return response.context["form"].errors["photos"]


@pytest.mark.parametrize("side", [6000, 20000])
def test_a_photo_with_too_many_pixels_is_told_so_and_saves_nothing(client, cast, form, side):
    upload = blank_png(f"wall-{side}.png", side, side)
    assert upload.size < 200_000  # small on the wire, huge once decoded
    client.cookies["django_language"] = "en"
    response = login(client, cast.worker_a).post(URL, form(photos=[upload]))
    assert response.status_code == 400
    assert _photo_errors(response) == [
        f"wall-{side}.png has too many pixels: at most 25 megapixels per photo."
    ]
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_pillows_own_bomb_guard_becomes_the_pixel_message(settings):
    settings.PHOTO_MAX_PIXELS = 10**9  # ours would let it through: Pillow refuses it first
    with pytest.raises(photos.ValidationError) as refused:
        photos.clean_photo(blank_png("bomb.png", 20000, 20000))
    assert refused.value.code == "too_many_pixels"


def test_a_pillow_bomb_warning_turned_error_is_the_pixel_message_too(settings):
    import warnings

    settings.PHOTO_MAX_PIXELS = 10**9
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(photos.ValidationError) as refused:
            photos.clean_photo(blank_png("big.png", 10000, 10000))  # 100 Mpx: a warning
    assert refused.value.code == "too_many_pixels"


def test_the_pixel_limit_is_a_setting(client, cast, form, settings):
    settings.PHOTO_MAX_PIXELS = 1000 * 800
    client.cookies["django_language"] = "en"
    login(client, cast.worker_a)
    assert client.post(URL, form(photos=[jpeg(size=(1000, 800))])).status_code == 302
    response = client.post(URL, form(photos=[jpeg(size=(1001, 800))]))
    assert response.status_code == 400 and "at most 0.8 megapixels" in _photo_errors(response)[0]


def test_a_normal_phone_photo_is_kept_at_its_size(client, cast, form):
    response = login(client, cast.worker_a).post(URL, form(photos=[jpeg(size=(1000, 800))]))
    assert response.status_code == 302
    stored = Attachment.objects.get()
    with stored.file.open("rb") as fh, Image.open(fh) as image:
        assert image.size == (1000, 800)  # never enlarged


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_and_stored_at_the_target(
    client, cast, form, monkeypatch
):
    from PIL import JpegImagePlugin

    decoded = []
    load = JpegImagePlugin.JpegImageFile.load

    def spy(self):
        decoded.append(self.size)
        return load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)
    login(client, cast.worker_a).post(URL, form(photos=[jpeg(size=(4000, 3000))]))
    assert decoded[-1] == (2000, 1500)  # the decoder's 1/2 scale: never the full 12 Mpx
    with Attachment.objects.get().file.open("rb") as fh, Image.open(fh) as image:
        assert image.size == (photos.LONGEST_SIDE, 1200)


def test_a_large_palette_png_is_stored_at_the_target(client, cast, form):
    out = io.BytesIO()
    Image.new("P", (5000, 2500), 3).save(out, "PNG")
    upload = SimpleUploadedFile("plan.png", out.getvalue(), content_type="image/png")
    assert login(client, cast.worker_a).post(URL, form(photos=[upload])).status_code == 302
    with Attachment.objects.get().file.open("rb") as fh, Image.open(fh) as image:
        assert image.size == (photos.LONGEST_SIDE, 800)


def test_a_sideways_phone_photo_is_stored_upright(client, cast, form):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show it rotated 90° clockwise
    login(client, cast.worker_a).post(URL, form(photos=[jpeg(size=(2400, 1200), exif=exif)]))
    with Attachment.objects.get().file.open("rb") as fh, Image.open(fh) as image:
        assert image.size == (800, 1600)
        assert not image.getexif()


def test_a_request_larger_than_the_limit_is_refused_before_it_is_read(client, cast, form, settings):
    settings.GRIDGOV_MAX_REQUEST_BYTES = 50_000

    def photo():
        return SimpleUploadedFile("big.jpg", bytes(60_000), content_type="image/jpeg")

    login(client, cast.worker_a)
    response = client.post(URL, form(photos=[photo()]))
    assert response.status_code == 413
    assert not Case.objects.exists()
    offline = client.post(
        URL, form(photos=[photo()]), headers={"X-Requested-With": "gridgov-offline"}
    )
    assert offline.status_code == 413 and offline.json()["ok"] is False


def test_the_request_limit_leaves_room_for_a_full_report(settings):
    from grids import ledger_xlsx

    full_report = photos.MAX_PHOTOS * photos.MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert full_report <= settings.GRIDGOV_MAX_REQUEST_BYTES
    assert settings.GRIDGOV_MAX_REQUEST_BYTES >= ledger_xlsx.MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= photos.MAX_UPLOAD_BYTES
