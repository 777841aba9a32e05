"""The county admins' door. Who may enter and what they see is the access policy's answer."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from staff import access


class GridgovAdminSite(admin.AdminSite):
    site_header = _("gridgov administration")
    site_title = _("gridgov")
    index_title = _("County administration")

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or access.can_anywhere(user, "door.admin"))


class ScopedAdminMixin:
    """ModelAdmin permissions answered by staff.access: a town admin sees only their town.

    `view_action` / `change_action` name policy actions; `scope_via` is the path from the
    model to its GridNode ("" for GridNode itself).
    """

    view_action = "node.view"
    change_action = "node.change"
    add_action = "node.create"
    delete_action = "node.delete"
    scope_via = "node"

    def get_queryset(self, request):
        return access.scope(
            request.user, self.view_action, super().get_queryset(request), via=self.scope_via
        )

    def _allowed(self, request, action, obj):
        if obj is None:
            return access.can_anywhere(request.user, action)
        return access.can(request.user, action, obj)

    def has_module_permission(self, request):
        return access.can_anywhere(request.user, self.view_action) and access.can_anywhere(
            request.user, "door.admin"
        )

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, self.view_action, obj) and access.can_anywhere(
            request.user, "door.admin"
        )

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, self.change_action, obj)

    def has_add_permission(self, request, *args):
        return access.can_anywhere(request.user, self.add_action)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, self.delete_action, obj)


site = admin.site
