"""What forms point at, read: the categories, the responsibility list (责任清单) and the units
a caller may name (dispatch, county calls)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied

from cases.api.serializers import CategorySerializer, ResponsibilitySerializer, UnitSerializer
from cases.models import Category, ResponsibilityItem, Unit
from gridgov.api.views import ApiView
from gridgov.models import ApiClient
from staff import access


def _require_reference(user) -> None:
    if not access.can_anywhere(user, "reference.choose"):
        raise PermissionDenied()


class CategoryList(ApiView):
    endpoint = ApiClient.Endpoint.REFERENCE
    serializer_class = CategorySerializer
    cursor_ordering = "pk"

    @extend_schema(
        operation_id="categories_list",
        responses=CategorySerializer(many=True),
        summary=_("Categories"),
        description=_("Every category a case may be filed under, the county's shared list."),
        tags=["reference"],
    )
    def get(self, request):
        _require_reference(request.user)
        return self.paged(Category.objects.all(), CategorySerializer)


class ResponsibilityList(ApiView):
    endpoint = ApiClient.Endpoint.REFERENCE
    serializer_class = ResponsibilitySerializer
    cursor_ordering = "pk"

    @extend_schema(
        operation_id="responsibilities_list",
        responses=ResponsibilitySerializer(many=True),
        summary=_("The responsibility list (责任清单)"),
        description=_("Who owns each kind of matter: the town or a county department."),
        tags=["reference"],
    )
    def get(self, request):
        _require_reference(request.user)
        items = ResponsibilityItem.objects.select_related("department")
        return self.paged(items, ResponsibilitySerializer)


class UnitList(ApiView):
    endpoint = ApiClient.Endpoint.REFERENCE
    serializer_class = UnitSerializer
    cursor_ordering = "pk"

    @extend_schema(
        operation_id="units_list",
        responses=UnitSerializer(many=True),
        summary=_("Units"),
        description=_(
            "The units you may point at: those in your subtree and those above it (your "
            "town's platforms, your county's departments), never another town's."
        ),
        tags=["reference"],
    )
    def get(self, request):
        _require_reference(request.user)
        units = access.scope_units(request.user, "reference.choose", Unit.objects.all())
        return self.paged(units, UnitSerializer)
