"""A boundary holds a point: GeoJSON (Multi)Polygons with holes, as Features or collections,
in [longitude, latitude]; a boundary that is no readable polygon holds nothing and never
raises."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.open311.places import holds

OUTER = [[107.0, 33.0], [107.1, 33.0], [107.1, 33.1], [107.0, 33.1], [107.0, 33.0]]
HOLE = [[107.04, 33.04], [107.06, 33.04], [107.06, 33.06], [107.04, 33.06], [107.04, 33.04]]
POLYGON = {"type": "Polygon", "coordinates": [OUTER, HOLE]}


def at(lat: str, long: str) -> tuple[Decimal, Decimal]:
    return Decimal(lat), Decimal(long)


def test_a_polygon_holds_what_is_inside_and_not_its_hole_or_outside():
    assert holds(POLYGON, *at("33.02", "107.02"))
    assert not holds(POLYGON, *at("33.05", "107.05"))  # in the hole
    assert not holds(POLYGON, *at("33.2", "107.02"))
    # Positions are [longitude, latitude]: the same numbers swapped are elsewhere.
    assert not holds(POLYGON, *at("107.02", "33.02"))


def test_multipolygons_features_and_collections_hold_what_any_part_holds():
    far = [[[108.0, 34.0], [108.1, 34.0], [108.1, 34.1], [108.0, 34.0]]]
    multi = {"type": "MultiPolygon", "coordinates": [[OUTER], far]}
    assert holds(multi, *at("34.02", "108.05"))
    feature = {"type": "Feature", "properties": {}, "geometry": POLYGON}
    assert holds(feature, *at("33.02", "107.02"))
    collection = {"type": "FeatureCollection", "features": [{"type": "Feature"}, feature]}
    assert holds(collection, *at("33.02", "107.02"))
    geometries = {"type": "GeometryCollection", "geometries": [multi]}
    assert holds(geometries, *at("33.02", "107.02"))


@pytest.mark.parametrize(
    "boundary",
    [
        None,
        "POLYGON((1 1, 2 2))",
        [],
        {},
        {"type": "Polygon"},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[]]},
        {"type": "Polygon", "coordinates": [[["a", "b"], [1, 2], [3, 4]]]},
        {"type": "Polygon", "coordinates": [[[True, False], [1, 2], [3, 4]]]},
        {"type": "Polygon", "coordinates": [[[float("nan"), 1], [1, 2], [3, 4]]]},
        {"type": "Polygon", "coordinates": [[[107.0], [107.1, 33.0]]]},
        {"type": "Polygon", "coordinates": [[[10**400, 1], [1, 2], [3, 4]]]},
        {"type": "Polygon", "coordinates": 5},
        {"type": "MultiPolygon", "coordinates": [None]},
        {"type": "Point", "coordinates": [107.02, 33.02]},
        {"type": "Feature", "geometry": {"type": "Feature", "geometry": {"type": "Feature"}}},
    ],
)
def test_a_boundary_that_is_no_polygon_holds_nothing(boundary):
    assert holds(boundary, *at("33.02", "107.02")) is False


def _nested(depth: int) -> dict:
    shape = POLYGON
    for _ in range(depth):
        shape = {"type": "Feature", "geometry": shape}
    return shape


def test_a_boundary_nested_without_end_is_not_followed():
    assert holds(_nested(3), *at("33.02", "107.02"))
    assert not holds(_nested(50), *at("33.02", "107.02"))


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)


@given(
    shape=st.fixed_dictionaries(
        {"type": st.sampled_from(["Polygon", "MultiPolygon", "Feature", "FeatureCollection"])},
        optional={"coordinates": json_values, "geometry": json_values, "features": json_values},
    )
)
def test_any_json_as_a_boundary_is_answered_without_an_exception(shape):
    assert holds(shape, *at("33.02", "107.02")) in (True, False)
