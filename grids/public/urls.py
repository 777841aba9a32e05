"""The residents' door (/g/): public pages, without login. A place is named by its public code
(a town's or anything below it), a road segment by its own; the converters keep other pages of
the door (/g/track/ …) from being read as codes."""

from django.urls import path, register_converter

from grids.public import bulletin, grid, photos


class PlaceCode:
    # A town's 9 digits and what extends it (an area's P and 2 digits, 3 digits per level).
    regex = r"[0-9]{9}(?:P[0-9]{2}|[0-9]{3}){0,3}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SegmentCode(PlaceCode):
    regex = r"[0-9]{12,18}S[0-9]{2}"


class PhotoCode(PlaceCode):
    regex = r"[0-9A-Za-z_]{8,64}"


register_converter(PlaceCode, "place")
register_converter(SegmentCode, "segment")
register_converter(PhotoCode, "photo")

urlpatterns = [
    path("<place:code>/", grid.grid_page, name="public_grid"),
    path("<place:code>/bulletin/", bulletin.grid_bulletin, name="public_bulletin"),
    path(
        "s/<segment:segment_code>/bulletin/",
        bulletin.street_bulletin,
        name="public_street_bulletin",
    ),
    path("photos/<photo:photo_code>.jpg", photos.portrait, name="public_photo"),
]
