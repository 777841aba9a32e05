"""The county admins' door. Who may enter and what they see is the access policy's answer."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from gridgov.cleaning import StrictJSONField, parse_id
from gridgov.paging import CappedPaginator
from staff import access


class GridgovAdminSite(admin.AdminSite):
    site_header = _("gridgov administration")
    site_title = _("gridgov")
    index_title = _("County administration")

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or access.can_anywhere(user, "door.admin"))

    def index(self, request, extra_context=None):
        # A town's admin administers the town, not the county: the title names their node.
        node = None if request.user.is_superuser else access.top_node(request.user, "door.admin")
        title = _("%(node)s administration") % {"node": node.name} if node else self.index_title
        return super().index(request, {"title": title, **(extra_context or {})})

    def admin_view(self, view, cacheable=False):
        # Someone logged in without the admin door is told so (403), like on every other
        # page, instead of being sent to a second login form.
        inner = super().admin_view(view, cacheable)

        def gate(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(gate, inner)

    def get_urls(self):
        # Units were called departments until they got one name for all three kinds; the old
        # addresses (bookmarks, links in handover notes) lead to the same pages.
        moved = re_path(
            r"^cases/department/(?P<rest>.*)$",
            RedirectView.as_view(
                url="/admin/cases/unit/%(rest)s", permanent=True, query_string=True
            ),
        )
        return [moved, *super().get_urls()]


class _SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, re-shown after a refused form, looks the submitted ids up as
    they came: "abc" or an id too big for the column is then an exception. Keep only ids."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if parse_id(v) is not None], attr)


class ScopedForms:
    """Every foreign key a form offers is limited to what the user may point at, in the
    choices; Django's ModelChoiceField then refuses any other id on save. Used by every
    ModelAdmin and inline of the site (a test checks that none is left out)."""

    reference_action = "node.change"
    formfield_overrides = {models.JSONField: {"form_class": StrictJSONField}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        inner = getattr(widget, "widget", widget)  # inside the add/change links wrapper
        if type(inner) is AutocompleteSelect:
            inner.__class__ = _SafeAutocompleteSelect
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.all()
        kwargs["queryset"] = access.scope_references(request.user, self.reference_action, queryset)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.all()
        kwargs["queryset"] = access.scope_references(request.user, self.reference_action, queryset)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedModelAdmin(ScopedForms):
    """What every ModelAdmin of the site shares: scoped foreign keys, and an object outside
    the user's scope is 404, exactly like a missing one (Django would redirect with a message
    that it "doesn't exist", which still says something)."""

    # A county's lists run to hundreds of thousands of rows (its cases, the outbox): the pager
    # counts no further than anyone pages, and the list's total without its filters is not
    # counted at all (each would be a COUNT over every row in scope on every page).
    paginator = CappedPaginator
    show_full_result_count = False

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404("No such object.")

    def lookup_allowed(self, lookup, value, request=None):
        # Only the filters the list offers: Django would also take any field of the model from
        # the address, so "?reporter_phone__startswith=1389" could read a masked number digit by
        # digit, unlogged.
        offered = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            name = item if isinstance(item, str) else item[0] if isinstance(item, tuple) else None
            if name:
                offered.add(name.split(LOOKUP_SEP)[0])
        if lookup.split(LOOKUP_SEP)[0] not in offered:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changelist_instance(self, request):
        # A date-hierarchy year like 99999999999999999999 overflows in Django's lookup; the
        # changelist then answers as for any other impossible filter (back with "?e=1").
        try:
            return super().get_changelist_instance(request)
        except OverflowError:
            raise IncorrectLookupParameters from None

    def get_object(self, request, object_id, from_field=None):
        # "?_to_field=" (empty) would make Django look up a field named "": take the pk.
        return super().get_object(request, object_id, from_field or None)

    def _found_or_404(self, request, object_id) -> None:
        # Django checks some permissions before looking the object up (a POST to a read-only
        # page, any delete page): look it up first, so that outside the scope is always 404.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("No such object.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._found_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._found_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._found_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


class ReadOnly:
    """Records that are shown, never added, changed or deleted here: what changes them is an
    action on another page, or nothing at all. Put it first among the bases."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnly, ScopedForms, admin.TabularInline):
    """Rows shown under their record, as they are."""

    extra = 0


class ScopedAdminMixin(ScopedModelAdmin):
    """ModelAdmin permissions answered by staff.access: a town admin sees only their town.

    `view_action` / `change_action` name policy actions; `scope_via` is the path from the
    model to its GridNode ("" for GridNode itself).
    """

    view_action = "node.view"
    change_action = "node.change"
    add_action = "node.create"
    delete_action = "node.delete"
    scope_via = "node"

    @property
    def reference_action(self):
        return self.change_action

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
