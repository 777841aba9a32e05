"""The residents' door (/g/): public pages, without login."""

urlpatterns: list = []
