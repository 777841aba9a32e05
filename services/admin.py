"""The service catalog, requests and duty slots in the admins' door, scoped by the access
policy. An item's texts are saved through services.actions (each change a new version); the
catalog goes out to and comes in from .xlsx; requests and bookings are read here, worked on the
desk and the phone."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.admin_site import ReadOnly, ReadOnlyInline, ScopedAdminMixin, ScopedForms, site
from gridgov.cleaning import parse_id
from gridgov.errors import add_to_form
from grids.models import GridNode, Tier
from grids.privacy import mask_phone
from services import actions, lines, sheets
from services.actions.catalog import VERSION_FIELDS
from services.models import (
    Activity,
    ActivitySignup,
    DutyBooking,
    DutySlot,
    HelpKind,
    HelpOrder,
    HelpOrderEvent,
    PhoneReveal,
    ServiceItem,
    ServiceItemVersion,
    ServiceRequest,
    ServiceRequestEvent,
    Volunteer,
    VolunteerTeam,
)
from staff import access

MAX_UPLOAD = 5 * 1024 * 1024


class SafeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django looks the chosen ids up as they came: an id too big for the column is then an
    exception of the database. Anything that is no id is refused on the field first."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class ServiceItemForm(forms.ModelForm):
    """The item's place and owner, and the texts of its next version (one line per step,
    document or material: services.lines)."""

    name = forms.CharField(label=_("name"), max_length=100)
    content = forms.CharField(
        label=_("service content"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    procedure = forms.CharField(
        label=_("procedure"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One step a line, in order."),
    )
    basis = forms.CharField(
        label=_("policy basis"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One document a line with its articles, e.g. 《社会救助暂行办法》第十一条."),
    )
    materials = forms.CharField(
        label=_("materials"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One a line: the material | 原件, 复印件 or 原件及复印件 | how many."),
    )
    phone = forms.CharField(label=_("service phone"), required=False, max_length=30)
    statutory_days = forms.IntegerField(
        label=_("statutory time limit (working days)"), required=False, min_value=0, max_value=365
    )
    promised_days = forms.IntegerField(
        label=_("promised time limit (working days)"), min_value=0, max_value=365
    )
    fee = forms.DecimalField(
        label=_("fee (yuan)"), min_value=0, max_digits=8, decimal_places=2, initial=0
    )
    fee_note = forms.CharField(label=_("about the fee"), required=False, max_length=200)
    online = forms.BooleanField(label=_("can be applied for online"), required=False)
    errand = forms.BooleanField(
        label=_("an errand-runner can do it (代办)"), required=False, initial=True
    )

    class Meta:
        model = ServiceItem
        fields = ("node", "platform", "domain", "position", "active", "staff")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = self.instance.current if self.instance.pk else None
        if version is not None:
            for name in VERSION_FIELDS:
                self.initial[name] = getattr(version, name)
            self.initial["procedure"] = lines.steps_text(version.steps)
            self.initial["basis"] = lines.basis_text(version.documents)
            self.initial["materials"] = lines.materials_text(version.material_list)

    def clean_procedure(self):
        return lines.steps_from(self.cleaned_data["procedure"])

    def clean_basis(self):
        return lines.basis_from(self.cleaned_data["basis"])

    def clean_materials(self):
        return lines.materials_from(self.cleaned_data["materials"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            actions.service_item_check(actor=self.user, **self.arguments())
        except ValidationError as exc:
            add_to_form(self, exc)
        return data

    def arguments(self) -> dict:
        d = self.cleaned_data
        return {
            "node_id": d["node"].pk,
            "platform_id": d["platform"].pk,
            "domain": d["domain"],
            "staff_ids": [u.pk for u in d.get("staff") or []],
            **{name: d.get(name) for name in VERSION_FIELDS},
        }


class VersionInline(ReadOnlyInline):
    model = ServiceItemVersion
    fk_name = "item"
    fields = ("number", "name", "promised_days", "statutory_days", "created_at", "created_by")
    readonly_fields = fields
    show_change_link = False


@admin.register(ServiceItem, site=site)
class ServiceItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A town admin keeps their town's and villages' items; every save of new texts is a new
    version (the requests made under the old one keep it)."""

    form = ServiceItemForm
    view_action = "serviceitem.view"
    change_action = add_action = delete_action = "serviceitem.change"
    list_display = ("code", "name", "node", "platform", "domain", "active")
    list_filter = ("domain", "active")
    search_fields = ("code", "name")
    list_select_related = ("node", "platform")
    readonly_fields = ("code",)
    filter_horizontal = ("staff",)
    inlines = [VersionInline]
    change_list_template = "admin/services/serviceitem/change_list.html"
    fieldsets = (
        (None, {"fields": ("code", "name", "node", "platform", "domain", "position", "active")}),
        (
            _("五公开"),
            {"fields": ("content", "procedure", "basis", "phone", "staff")},
        ),
        (
            _("Materials, time and fee"),
            {
                "fields": (
                    "materials",
                    "statutory_days",
                    "promised_days",
                    "fee",
                    "fee_note",
                    "online",
                    "errand",
                )
            },
        ),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "node":
            kwargs["queryset"] = GridNode.objects.filter(tier__in=(Tier.TOWN, Tier.VILLAGE))
        if db_field.name == "platform":
            from cases.models import Unit

            kwargs["queryset"] = Unit.objects.filter(
                kind__in=(Unit.Kind.PLATFORM, Unit.Kind.COUNTY_DEPARTMENT)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["form_class"] = SafeMultipleChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        item = actions.service_item_save(
            actor=request.user,
            item_id=obj.pk if change else None,
            position=form.cleaned_data.get("position") or 0,
            active=form.cleaned_data.get("active", True),
            **form.arguments(),
        )
        obj.pk, obj.code, obj.current_id = item.pk, item.code, item.current_id

    def save_related(self, request, form, formsets, change):
        # The staff were set by the action; the versions are shown, never edited here.
        pass

    def get_urls(self):
        extra = [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="services_serviceitem_export",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="services_serviceitem_import",
            ),
        ]
        return extra + super().get_urls()

    def export_view(self, request):
        """The items this admin sees, as the sheet the import reads back."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        items = (
            self.get_queryset(request)
            .filter(current__isnull=False)
            .select_related("current", "node", "platform")
            .order_by("code")
        )
        response = HttpResponse(
            sheets.catalog_bytes(items),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="service-catalog-{stamp}.xlsx"'
        return response

    def import_view(self, request):
        """A catalog sheet: every row saved, or none (each row that cannot be, said why)."""
        if not self.has_add_permission(request):
            raise PermissionDenied

        class ImportForm(forms.Form):
            upload = forms.FileField(
                label=_("Catalog sheet (.xlsx)"),
                help_text=_(
                    "The exported catalog, edited: a row with a known code changes that item "
                    "(a new version when its texts change), a row without a code adds one."
                ),
            )

        form = ImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["upload"]
            try:
                if upload.size > MAX_UPLOAD:
                    raise sheets.SheetError(_("The file is larger than 5 MB."))
                rows = sheets.read_catalog(upload.read())
                counts = actions.service_items_import(actor=request.user, rows=rows)
            except sheets.SheetError as exc:
                form.add_error("upload", str(exc))
            except actions.CatalogRefused as exc:
                problems = exc.problems
            else:
                messages.success(
                    request,
                    _(
                        "Catalog read: %(added)d added, %(changed)d changed, %(unchanged)d as they were."
                    )
                    % counts,
                )
                return redirect("admin:services_serviceitem_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import the service catalog"),
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/services/serviceitem/import.html", context)


class RequestEventInline(ReadOnlyInline):
    model = ServiceRequestEvent
    fields = ("created_at", "action", "actor", "automatic", "from_status", "to_status", "note")
    readonly_fields = fields


@admin.register(ServiceRequest, site=site)
class ServiceRequestAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):
    """Requests are read here; the window and the back office work them on the desk."""

    view_action = "servicerequest.view"
    list_display = ("number", "item", "node", "channel", "status", "visits", "due_at")
    list_filter = ("status", "channel")
    search_fields = ("number", "tracking_code")
    list_select_related = ("item", "node")
    date_hierarchy = "received_at"
    inlines = [RequestEventInline]
    exclude = ("resident_phone",)

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in ServiceRequest._meta.fields if f.name != "resident_phone"]
        return [*names, "masked_phone"]

    @admin.display(description=_("resident's phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.resident_phone)


@admin.register(DutySlot, site=site)
class DutySlotAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A town's duty slots on its days off (the holiday calendar says which)."""

    view_action = "dutybooking.view"
    change_action = add_action = delete_action = "dutyslot.change"
    scope_via = "town"
    list_display = ("date", "starts", "ends", "window", "item", "capacity", "town")
    list_filter = ("date",)
    list_select_related = ("town", "item")
    autocomplete_fields = ("town",)
    fields = ("town", "date", "starts", "ends", "window", "item", "capacity", "phone", "note")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "town":
            kwargs["queryset"] = GridNode.objects.filter(tier=Tier.TOWN)
        if db_field.name == "item":
            kwargs["queryset"] = ServiceItem.objects.filter(active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # A slot with bookings stays: the residents were told to come.
        if obj is not None and obj.bookings.filter(cancelled_at__isnull=True).exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(DutyBooking, site=site)
class DutyBookingAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):
    view_action = "dutybooking.view"
    scope_via = "slot__town"
    list_display = ("slot", "seat", "masked_name", "item", "created_at", "cancelled_at")
    list_select_related = ("slot", "item")
    exclude = ("resident_phone",)

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in DutyBooking._meta.fields if f.name != "resident_phone"]
        return [*names, "masked_phone"]

    @admin.display(description=_("resident's name"))
    def masked_name(self, obj):
        return obj.resident_name[:1] + "*" * max(len(obj.resident_name) - 1, 1)

    @admin.display(description=_("resident's phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.resident_phone)


# ---------------------------------------------------------------- volunteers


class TeamForm(forms.ModelForm):
    """What a team offers, chosen from the residents' menu."""

    offers = forms.MultipleChoiceField(
        label=_("what it offers"),
        choices=HelpKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = VolunteerTeam
        fields = ("name", "kind", "node", "leader", "offers", "active")


class VolunteerInline(ScopedForms, admin.TabularInline):
    model = Volunteer
    extra = 0
    fields = ("user", "skills", "availability", "joined")
    autocomplete_fields = ("user",)


@admin.register(VolunteerTeam, site=site)
class VolunteerTeamAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A village's or town's volunteer teams, their volunteers and what they offer."""

    form = TeamForm
    view_action = "volunteer.view"
    change_action = add_action = delete_action = "volunteer.change"
    list_display = ("name", "kind", "node", "leader", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    list_select_related = ("node", "leader")
    autocomplete_fields = ("node", "leader")
    inlines = [VolunteerInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "node":
            kwargs["queryset"] = GridNode.objects.filter(
                tier__in=(Tier.TOWN, Tier.VILLAGE, Tier.GRID)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SignupInline(ReadOnlyInline):
    model = ActivitySignup
    fields = ("volunteer", "signed_at", "checked_in_at", "hours")
    readonly_fields = fields


@admin.register(Activity, site=site)
class ActivityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    view_action = "volunteer.view"
    change_action = add_action = delete_action = "volunteer.change"
    scope_via = "team__node"
    list_display = ("title", "team", "place", "starts", "capacity")
    list_select_related = ("team",)
    date_hierarchy = "starts"
    search_fields = ("title",)
    fields = ("team", "title", "place", "starts", "ends", "capacity", "description")
    inlines = [SignupInline]


class OrderEventInline(ReadOnlyInline):
    model = HelpOrderEvent
    fields = ("created_at", "action", "actor", "automatic", "from_status", "to_status", "note")
    readonly_fields = fields


@admin.register(HelpOrder, site=site)
class HelpOrderAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):
    """Orders are read here; they are dispatched on the desk and taken on the phone."""

    view_action = "volunteer.view"
    list_display = ("pk", "kind", "node", "status", "team", "placed_at")
    list_filter = ("status", "kind")
    list_select_related = ("node", "team")
    inlines = [OrderEventInline]
    exclude = ("resident_phone",)

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in HelpOrder._meta.fields if f.name != "resident_phone"]
        return [*names, "masked_phone"]

    @admin.display(description=_("resident's phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.resident_phone)


@admin.register(PhoneReveal, site=site)
class PhoneRevealAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):
    """Who saw a resident's phone in full on a request or an order, when and why: read only."""

    view_action = "servicerequest.view"
    list_display = ("created_at", "user", "request", "order", "reason")
    list_select_related = ("user", "request", "order")
    fields = list_display
    readonly_fields = list_display

    def get_queryset(self, request):
        # A reveal is of a request or of an order, each scoped through its resident's place.
        base = admin.ModelAdmin.get_queryset(self, request)
        user = request.user
        return access.scope(user, self.view_action, base, via="request__node") | (
            access.scope(user, "volunteer.view", base, via="order__node")
        )
