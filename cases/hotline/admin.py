"""A 12345 hotline's settings in the admin: its webhook address, response time and signing
secret (shown once, when made or renewed; or typed in, as agreed with the hotline). Whoever
may manage the hotline's API client may manage its settings, within their subtree."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from cases import actions
from cases.models import HotlineConfig
from gridgov.admin_site import ScopedAdminMixin, site
from gridgov.api.clients import may_manage_client
from gridgov.models import ApiClient

_URL = HotlineConfig._meta.get_field("webhook_url")


class HotlineConfigForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=_URL.verbose_name,
        max_length=_URL.max_length,
        help_text=_URL.help_text,
        assume_scheme="https",  # an address typed without a scheme
    )
    new_secret = forms.CharField(
        label=_("new signing secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Only to set the secret agreed with the hotline (at least 32 characters). Empty: "
            "the secret stays; on adding, a new one is made and shown once."
        ),
    )

    class Meta:
        model = HotlineConfig
        fields = ("client", "webhook_url", "response_hours", "active")

    def clean_client(self):
        client = self.cleaned_data["client"]
        if ApiClient.Endpoint.HOTLINE not in (client.endpoints or ()):
            raise forms.ValidationError(
                _("Give the API client the 12345 hotline's endpoint first.")
            )
        return client

    def clean(self):
        data = super().clean()
        secret = data.get("new_secret") or ""
        if secret and len(secret) < 32:
            self.add_error("new_secret", _("A signing secret is at least 32 characters."))
        return data


@admin.register(HotlineConfig, site=site)
class HotlineConfigAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = HotlineConfigForm
    view_action = change_action = add_action = delete_action = "assignment.change"
    scope_via = "client__node"
    list_display = ("client", "webhook_url", "response_hours", "active", "secret_set_at")
    list_filter = ("active",)
    readonly_fields = ("secret_set_at",)
    actions = ["renew_secrets"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client__node")

    def get_readonly_fields(self, request, obj=None):
        return ("client", *self.readonly_fields) if obj is not None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "client":
            # A live client with no settings yet (the form checks its endpoints).
            kwargs["queryset"] = ApiClient.objects.filter(
                revoked_at__isnull=True, hotline_config__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_manage_client(request.user, obj.client):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # switch it off instead: its orders keep their hotline

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved, secret = actions.hotline_config_save(
            actor=request.user,
            client_id=obj.client_id,
            webhook_url=data["webhook_url"],
            response_hours=data.get("response_hours"),
            active=data.get("active", False),
            secret=data.get("new_secret") or "",
        )
        if secret and not data.get("new_secret"):
            request._gridgov_new_secrets = [(saved, secret)]
        for f in HotlineConfig._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        secrets = getattr(request, "_gridgov_new_secrets", None)
        if secrets:
            return self._show(request, secrets)
        return super().response_add(request, obj, post_url_continue)

    def _show(self, request, secrets):
        context = {
            **self.admin_site.each_context(request),
            "title": _("The signing secret, shown once"),
            "secrets": secrets,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/cases/hotlineconfig/secret.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Make a new signing secret (shown once)"))
    def renew_secrets(self, request, queryset):
        made = [
            (config, actions.hotline_secret_rotate(actor=request.user, config_id=config.pk))
            for config in queryset.select_related("client")
            if may_manage_client(request.user, config.client)
        ]
        if not made:
            self.message_user(request, _("No secret was renewed."), level="warning")
            return None
        return self._show(request, made)
