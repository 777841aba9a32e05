from django.urls import include, path
from items import views
from rest_framework.routers import SimpleRouter

router = SimpleRouter()
router.register("items", views.ItemViewSet)

urlpatterns = [
    path("api/", include(router.urls)),
    path("page/", views.page),
]
