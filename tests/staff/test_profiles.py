"""What a bulletin board shows of a person (staff.Profile): a portrait checked and re-encoded
like the phone's photos, a work phone shown only if its owner agreed, a private phone never;
and what it shows of a post (Assignment: title, duties, a street chief's road segment)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from grids import actions as grid_actions
from staff import actions
from staff.models import Profile
from staff.portraits import LONGEST_SIDE, clean_portrait
from tests.factories import UserFactory
from tests.scope.forms import flat, forms_of

pytestmark = pytest.mark.usefixtures("media")


def jpeg(size=(1200, 1600), exif=None) -> SimpleUploadedFile:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (200, 80, 40)).save(out, "JPEG", **kwargs)
    return SimpleUploadedFile("me.jpg", out.getvalue(), content_type="image/jpeg")


def _with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (34.0, 9.0, 0.0)}  # GPS latitude
    exif[0x010F] = "PhoneMaker"
    return exif.tobytes()


def test_a_portrait_is_re_encoded_small_without_metadata_under_an_unguessable_name():
    stored = clean_portrait(jpeg(exif=_with_gps()))
    with Image.open(io.BytesIO(stored.read())) as image:
        assert image.format == "JPEG"
        assert max(image.size) == LONGEST_SIDE
        assert not image.getexif()  # no GPS, no maker: only the pixels were kept
    assert len(stored.name) == len("0123456789abcdef01234567.jpg")  # 96 random bits


def test_what_is_not_a_photo_is_refused_with_the_photo_forms_message():
    with pytest.raises(ValidationError) as refused:
        clean_portrait(SimpleUploadedFile("me.jpg", b"MZ\x90\x00 not an image"))
    assert "me.jpg" in refused.value.messages[0]


def test_a_town_admin_uploads_a_portrait_and_phones_on_the_persons_page(client, cast, media):
    client.force_login(cast.town1_admin)
    url = f"/admin/auth/user/{cast.worker_a.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = max(
        (f for f in forms_of(page.content.decode()) if f.method == "post"),
        key=lambda f: len(f.names),
    )
    data = flat(form.fields)
    data.update(
        {
            "profile-0-work_phone": "139 9161 0001",
            "profile-0-show_work_phone": "on",
            "profile-0-private_phone": "13700009999",
            "profile-0-photo": jpeg(exif=_with_gps()),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = Profile.objects.get(user=cast.worker_a)
    assert profile.public_phone == "139 9161 0001" and profile.private_phone == "13700009999"
    with profile.photo.open("rb") as fh, Image.open(fh) as image:
        assert max(image.size) == LONGEST_SIDE and not image.getexif()


def test_a_bad_upload_is_a_form_error_and_nothing_is_kept(client, cast):
    client.force_login(cast.town1_admin)
    url = f"/admin/auth/user/{cast.worker_a.pk}/change/"
    form = max(
        (f for f in forms_of(client.get(url).content.decode()) if f.method == "post"),
        key=lambda f: len(f.names),
    )
    data = flat(form.fields)
    data["profile-0-photo"] = SimpleUploadedFile("me.jpg", b"not an image")
    data["profile-0-work_phone"] = "13991610001"
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Profile.objects.filter(user=cast.worker_a).exists()


def test_a_phone_that_is_not_a_number_is_refused(cast):
    with pytest.raises(ValidationError):
        actions.profile_update(actor=None, user_id=cast.worker_a.pk, work_phone="call me")


def test_only_someone_who_manages_the_person_sets_their_profile(cast):
    with pytest.raises(Http404):
        actions.profile_update(
            actor=cast.staff_town2, user_id=cast.worker_a.pk, work_phone="13991610001"
        )
    with pytest.raises(Http404):  # a town admin does not manage another town's people
        actions.profile_update(
            actor=cast.town1_admin, user_id=cast.staff_town2.pk, work_phone="13991610001"
        )
    actions.profile_update(actor=cast.town1_admin, user_id=cast.worker_a.pk, work_phone="1399")
    assert Profile.objects.get(user=cast.worker_a).public_phone == ""  # not opted in


def _portrait(user):
    return actions.profile_update(actor=None, user_id=user.pk, photo=clean_portrait(jpeg()))


def test_a_portrait_is_served_while_its_person_serves_in_a_public_post(client, cast):
    profile = _portrait(cast.worker_a)
    url = f"/g/photos/{profile.photo_code}.jpg"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert (
        f'src="{url}"'
        in client.get(f"/g/{cast.worker_a.assignments.get().node.code}/").content.decode()
    )
    informant = _portrait(cast.informant_a)  # an informant is not on any board
    assert client.get(f"/g/photos/{informant.photo_code}.jpg").status_code == 404
    cast.worker_a.is_active = False
    cast.worker_a.save()
    assert client.get(url).status_code == 404


def test_a_replaced_portraits_old_address_stops_answering(
    client, cast, django_capture_on_commit_callbacks
):
    old = _portrait(cast.worker_a).photo_code
    with django_capture_on_commit_callbacks(execute=True):
        new = _portrait(cast.worker_a).photo_code
    assert old != new
    assert client.get(f"/g/photos/{old}.jpg").status_code == 404
    assert client.get(f"/g/photos/{new}.jpg").status_code == 200


@pytest.mark.parametrize("code", ["short", "a" * 65, "..%2Fsecret", "0123456789abcdef01234567"])
def test_an_unknown_photo_code_is_404(client, cast, code):
    assert client.get(f"/g/photos/{code}.jpg").status_code == 404


# ---------------------------------------------------------------- posts on the bulletin


def test_only_a_street_chief_posted_where_the_segment_lies_looks_after_it(cast, tree):
    segment = grid_actions.street_segment_create(
        actor=None,
        node_id=tree.grid_a.pk,
        code=f"{tree.grid_a.code}S01",
        road="博望路",
        name="东段",
    )
    person = UserFactory(username="jz")
    with pytest.raises(ValidationError) as wrong_role:
        actions.assignment_grant(
            actor=None,
            user_id=person.pk,
            node_id=tree.grid_a.pk,
            role="informant",
            segment_id=segment.pk,
        )
    assert "segment" in wrong_role.value.message_dict
    with pytest.raises(ValidationError) as wrong_place:
        actions.assignment_grant(
            actor=None,
            user_id=person.pk,
            node_id=tree.grid_b.pk,
            role="street_chief",
            segment_id=segment.pk,
        )
    assert "segment" in wrong_place.value.message_dict
    post = actions.assignment_grant(
        actor=None,
        user_id=person.pk,
        node_id=tree.grid_a.pk,
        role="street_chief",
        segment_id=segment.pk,
        title="党员街长",
    )
    assert post.public_title == "党员街长" and list(segment.chiefs.all()) == [post]


def test_a_road_segment_lies_in_a_community_or_grid_and_its_code_extends_the_places(cast, tree):
    with pytest.raises(ValidationError) as in_a_town:
        grid_actions.street_segment_create(
            actor=None,
            node_id=tree.town1.pk,
            code=f"{tree.town1.code}000S01",
            road="博望路",
            name="东段",
        )
    assert "node" in in_a_town.value.message_dict
    for code in (f"{tree.grid_b.code}S01", f"{tree.grid_a.code}S1", "x"):
        with pytest.raises(ValidationError) as bad_code:
            grid_actions.street_segment_create(
                actor=None, node_id=tree.grid_a.pk, code=code, road="博望路", name="东段"
            )
        assert "code" in bad_code.value.message_dict


def test_a_road_segment_is_added_only_by_someone_who_may_change_its_place(cast, tree):
    with pytest.raises(Http404):
        grid_actions.street_segment_create(
            actor=cast.staff_town2,
            node_id=tree.grid_a.pk,
            code=f"{tree.grid_a.code}S01",
            road="博望路",
            name="东段",
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        grid_actions.street_segment_create(
            actor=cast.staff_town1,
            node_id=tree.grid_a.pk,
            code=f"{tree.grid_a.code}S01",
            road="博望路",
            name="东段",
        )
    made = grid_actions.street_segment_create(
        actor=cast.town1_admin,
        node_id=tree.grid_a.pk,
        code=f"{tree.grid_a.code}S01",
        road="博望路",
        name="东段",
    )
    changed = grid_actions.street_segment_update(
        actor=cast.town1_admin, segment_id=made.pk, patrol_range="两侧商铺"
    )
    assert changed.patrol_range == "两侧商铺"
