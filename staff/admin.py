from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from gridgov.admin_site import site
from staff import access, actions
from staff.models import Assignment

User = get_user_model()


class AssignmentInline(admin.TabularInline):
    """Grants, shown on the person and on the node. Written through staff.actions."""

    model = Assignment
    extra = 0
    can_delete = False  # a grant is ended (history kept), not deleted
    fields = ("user", "node", "role", "starts", "ends", "note")
    autocomplete_fields = ("user", "node")

    def get_queryset(self, request):
        return access.scope(request.user, "assignment.view", super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "assignment.view")

    def has_add_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "assignment.change")

    def has_change_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "assignment.change")

    def has_delete_permission(self, request, obj=None):
        return False


def save_assignment_formset(request, formset) -> None:
    """Inline grants go through the actions: new ones granted, changed ones updated."""
    # The admin's change message reads these three lists.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        if form.instance.pk is None:
            form.instance = granted = actions.assignment_grant(
                actor=request.user,
                user_id=data["user"].pk,
                node_id=data["node"].pk,
                role=data["role"],
                starts=data["starts"],
                ends=data.get("ends"),
                note=data.get("note", ""),
            )
            formset.new_objects.append(granted)
        else:
            updated = actions.assignment_update(
                actor=request.user,
                assignment_id=form.instance.pk,
                role=data["role"],
                starts=data["starts"],
                ends=data.get("ends"),
                note=data.get("note", ""),
            )
            formset.changed_objects.append((updated, form.changed_data))


site.unregister(User)


@admin.register(User, site=site)
class ScopedUserAdmin(UserAdmin):
    """County admins manage everyone in the county, a town admin the people of their town."""

    inlines = [AssignmentInline]
    list_display = ("username", "first_name", "is_active", "last_login")
    list_filter = ("is_active",)
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "email")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    superuser_fieldsets = UserAdmin.fieldsets
    readonly_fields = ("last_login", "date_joined")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return self.superuser_fieldsets if request.user.is_superuser else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else self.readonly_fields

    def get_queryset(self, request):
        return access.scope_users(request.user, "user.change", super().get_queryset(request))

    def has_module_permission(self, request):
        return access.can_anywhere(request.user, "user.change")

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return access.can_anywhere(request.user, "user.change")
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return access.can_anywhere(request.user, "user.change")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_formset(self, request, form, formset, change):
        if formset.model is Assignment:
            save_assignment_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)


site.unregister(Group)  # gridgov decides access by assignments, not Django groups
