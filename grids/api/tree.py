"""The tree, read: the nodes a caller may see (their grants' subtrees), each with its code,
tier, parent and counts."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from gridgov.api.views import ApiView
from gridgov.cleaning import parse_id
from gridgov.models import ApiClient
from grids.models import Difficulty, GridNode, Kind, Tier
from staff import access


class NodeSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("The node's id in gridgov."))
    code = serializers.CharField(
        read_only=True,
        help_text=_(
            "The hierarchical code: county 6 digits, town 9, village 12, grid 15, micro-grid 18; "
            "a node's code starts with its parent's."
        ),
    )
    name = serializers.CharField(read_only=True, help_text=_("The node's name."))
    tier = serializers.ChoiceField(
        choices=Tier.choices, read_only=True, help_text=_("The level of the tree.")
    )
    kind = serializers.ChoiceField(
        choices=Kind.choices, read_only=True, help_text=_("Rural, urban or exclusive grid.")
    )
    parent = serializers.IntegerField(
        source="parent_id",
        read_only=True,
        allow_null=True,
        help_text=_("The parent node's id; null for a county."),
    )
    level = serializers.IntegerField(read_only=True, help_text=_("Depth in the tree: 0 a county."))
    households = serializers.IntegerField(read_only=True, help_text=_("Number of households."))
    population = serializers.IntegerField(read_only=True, help_text=_("Population."))
    difficulty = serializers.ChoiceField(
        choices=[("", "—"), *Difficulty.choices],
        read_only=True,
        help_text=_("A grid's difficulty class (A, B or C), weighting the ranking; else empty."),
    )
    children = serializers.IntegerField(
        source="children_count", read_only=True, help_text=_("Number of child nodes.")
    )

    class Meta:
        model = GridNode
        fields = (
            "id",
            "code",
            "name",
            "tier",
            "kind",
            "parent",
            "level",
            "households",
            "population",
            "difficulty",
            "children",
        )


def visible_nodes(user):
    return access.scope(user, "node.view", GridNode.objects.all(), via="").annotate(
        children_count=Count("children")
    )


_FILTERS = [
    OpenApiParameter("parent", int, description=str(_("Only the children of this node (its id)."))),
    OpenApiParameter(
        "within", int, description=str(_("Only this node's subtree, itself included (its id)."))
    ),
    OpenApiParameter("tier", str, enum=Tier.values, description=str(_("Only nodes of this tier."))),
    OpenApiParameter("code", str, description=str(_("Only the node with this code."))),
]


class NodeList(ApiView):
    endpoint = ApiClient.Endpoint.TREE
    serializer_class = NodeSerializer
    cursor_ordering = "pk"

    @extend_schema(
        operation_id="nodes_list",
        responses=NodeSerializer(many=True),
        summary=_("The tree"),
        description=_("Nodes you may see, in id order; a filter outside your scope selects none."),
        parameters=_FILTERS,
        tags=["tree"],
    )
    def get(self, request):
        nodes = visible_nodes(request.user)
        params = request.query_params
        if "parent" in params:
            nodes = nodes.filter(parent_id=parse_id(params["parent"]) or 0)
        if "within" in params:
            within = GridNode.objects.filter(pk=parse_id(params["within"]) or 0).first()
            nodes = nodes.filter(GridNode.subtree_q(within)) if within else nodes.none()
        if params.get("tier"):
            nodes = nodes.filter(tier=params["tier"])
        if params.get("code"):
            nodes = nodes.filter(code=params["code"][:20])
        return self.paged(nodes, NodeSerializer)


class NodeDetail(ApiView):
    endpoint = ApiClient.Endpoint.TREE
    serializer_class = NodeSerializer

    @extend_schema(operation_id="nodes_retrieve", summary=_("One node"), tags=["tree"])
    def get(self, request, node_id: int):
        return Response(
            NodeSerializer(get_object_or_404(visible_nodes(request.user), pk=node_id)).data
        )
