"""Notification channels in the admin: a town's group robots, and where notices went."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridgov import channels
from gridgov.admin_site import ReadOnly, ScopedAdminMixin, ScopedModelAdmin, site
from gridgov.models import Delivery, OutboxMessage, WebhookEndpoint
from staff import access


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
