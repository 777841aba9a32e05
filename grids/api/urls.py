from django.urls import path

from grids.api import tree

urlpatterns = [
    path("nodes/", tree.NodeList.as_view(), name="node_list"),
    path("nodes/<int:node_id>/", tree.NodeDetail.as_view(), name="node_detail"),
]
