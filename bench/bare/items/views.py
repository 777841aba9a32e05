from django.shortcuts import render
from rest_framework import mixins, viewsets

from .models import Item
from .serializers import ItemSerializer


class ItemViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """DRF's create and retrieve, as the tutorial writes them."""

    queryset = Item.objects.all()
    serializer_class = ItemSerializer


def page(request):
    """A plain server-rendered page: the ten newest items, one query."""
    return render(request, "items/page.html", {"items": Item.objects.all()[:10]})
