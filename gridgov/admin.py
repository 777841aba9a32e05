"""Notification channels in the admin: a town's group robots, and where notices went; and the
other systems that call the API with a key."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridgov import channels
from gridgov.admin_site import ReadOnly, ScopedAdminMixin, ScopedModelAdmin, site
from gridgov.api import clients as api_clients
from gridgov.api.clients import CLIENT_ROLES
from gridgov.models import ApiClient, Delivery, OutboxMessage, WebhookEndpoint
from staff import access
from staff.models import Role


@admin.register(WebhookEndpoint, site=site)
class WebhookEndpointAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A town's group robots: a town admin manages their own town's."""

    scope_via = "town"
    add_action = "node.change"
    list_display = ("name", "town", "style", "active")
    list_filter = ("style", "active")
    autocomplete_fields = ("town",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # a robot address typed without a scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "town":
            from grids.models import GridNode, Tier

            kwargs["queryset"] = access.scope(
                request.user, "node.change", GridNode.objects.filter(tier=Tier.TOWN), via=""
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _NoticeRecordAdmin(ReadOnly, ScopedModelAdmin, admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser or access.can_anywhere(request.user, "door.admin")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(Delivery, site=site)
class DeliveryAdmin(_NoticeRecordAdmin):
    """Where notices went, and which channels fail (a failed one is not retried)."""

    list_display = (
        "message",
        "channel",
        "target",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    )
    list_filter = ("state", "channel")
    exclude = ("last_error",)
    readonly_fields = ("error",)

    @admin.display(description=_("last error"))
    def error(self, obj):
        return channels.error_label(obj.last_error)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("message")
        return (
            access.scope(request.user, "node.view", qs, via="message__case__node")
            if not request.user.is_superuser
            else qs
        )


@admin.register(OutboxMessage, site=site)
class OutboxAdmin(_NoticeRecordAdmin):
    list_display = ("kind", "case", "created_at", "sent_at", "attempts")
    list_filter = ("kind",)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("case")
        return (
            access.scope(request.user, "node.view", qs, via="case__node")
            if not request.user.is_superuser
            else qs
        )


# django-axes' records of logins, shown to superusers only (Django's own permissions, which no
# one else holds here): with the site's shared admin behaviour, so that a junk filter in the
# address is a message, not a server error.
def _rescope_axes_admins() -> None:
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model, base in (
        (AccessAttempt, axes_admin.AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ):
        if site.is_registered(model):
            site.unregister(model)
            site.register(model, type(base.__name__, (ScopedModelAdmin, base), {}))


_rescope_axes_admins()


# --- API clients: other systems with a key (/api/v1/, docs/api.md) ---------------------------


class ApiClientForm(forms.ModelForm):
    """Name, node, unit, roles and endpoints; the roles are checked like giving a person a
    post: only those the admin may give on that node (staff.access.may_grant)."""

    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=[(r, Role(r).label) for r in CLIENT_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The client acts with these posts on the node, like a person holding them."),
    )
    endpoints = forms.MultipleChoiceField(
        label=_("endpoints"),
        choices=ApiClient.Endpoint.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What the client may call; anything else is refused (403)."),
    )
    user = None  # the admin making the change (set by ApiClientAdmin.get_form)

    class Meta:
        model = ApiClient
        fields = ("name", "node", "unit", "roles", "endpoints")

    def clean(self):
        data = super().clean()
        node = data.get("node")
        if node is not None and "roles" in data:
            found = api_clients.check_grants(
                self.user, node=node, roles=data["roles"], unit=data.get("unit")
            )
            for field, messages in found.items():
                for message in messages:
                    self.add_error(field, message)
        return data


@admin.register(ApiClient, site=site)
class ApiClientAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Another system's key: made here (shown once), rotated, revoked; its last use and
    request count. A town admin makes clients below their town with roles they may give."""

    form = ApiClientForm
    view_action = change_action = add_action = delete_action = "assignment.change"
    list_display = (
        "name",
        "node",
        "role_names",
        "key_prefix",
        "state",
        "last_used_at",
        "request_count",
    )
    search_fields = ("name", "key_prefix")
    autocomplete_fields = ("node",)
    readonly_fields = (
        "key_prefix",
        "service_user",
        "created_by",
        "created_at",
        "rotated_at",
        "revoked_at",
        "last_used_at",
        "request_count",
    )
    actions = ["rotate_keys", "revoke_clients"]

    @admin.display(description=_("roles"))
    def role_names(self, obj):
        return "、".join(str(Role(r).label) for r in obj.roles if r in Role.values)

    @admin.display(description=_("state"))
    def state(self, obj):
        return _("revoked") if obj.revoked_at else _("active")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("node")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "node":
            kwargs["queryset"] = access.grantable_nodes(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and (
            obj.revoked_at is not None or not api_clients.may_manage_client(request.user, obj)
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the history keeps who acted

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {
            "name": data["name"],
            "node_id": data["node"].pk,
            "roles": data["roles"],
            "endpoints": data["endpoints"],
            "unit_id": data["unit"].pk if data.get("unit") else None,
        }
        if change:
            saved = api_clients.api_client_update(actor=request.user, client_id=obj.pk, **values)
        else:
            saved, key = api_clients.api_client_create(actor=request.user, **values)
            request._gridgov_new_keys = [(saved, key)]
        for f in ApiClient._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        keys = getattr(request, "_gridgov_new_keys", None)
        if keys:
            return self._show_keys(request, keys)
        return super().response_add(request, obj, post_url_continue)

    def _show_keys(self, request, keys):
        from django.template.response import TemplateResponse

        context = {
            **self.admin_site.each_context(request),
            "title": _("The API key, shown once"),
            "keys": keys,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/gridgov/apiclient/key.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Rotate the key (the old one stops working)"))
    def rotate_keys(self, request, queryset):
        keys = []
        for client in queryset:
            if client.revoked_at is None and api_clients.may_manage_client(request.user, client):
                keys.append(
                    (client, api_clients.api_client_rotate(actor=request.user, client_id=client.pk))
                )
        if not keys:
            self.message_user(request, _("No key was rotated."), level="warning")
            return None
        return self._show_keys(request, keys)

    @admin.action(description=_("Revoke (for good)"))
    def revoke_clients(self, request, queryset):
        done = 0
        for client in queryset:
            if client.revoked_at is None and api_clients.may_manage_client(request.user, client):
                api_clients.api_client_revoke(actor=request.user, client_id=client.pk)
                done += 1
        self.message_user(request, _("Revoked: %(n)d.") % {"n": done})
