"""Cases in the county admins' door, scoped by the access policy. Case state changes only
through the actions (the desk and the phones); here cases are read, reference data is edited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.models import (
    Case,
    CaseEvent,
    Category,
    CountyCall,
    Holiday,
    Mediation,
    ResidentReporting,
    ResponsibilityItem,
    TriagePolicy,
    Unit,
)
from gridgov.admin_site import ReadOnly, ReadOnlyInline, ScopedAdminMixin, ScopedModelAdmin, site
from gridgov.durations import format_duration
from grids.privacy import mask_phone
from staff import access


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = (
        "created_at",
        "action",
        "actor",
        "automatic",
        "from_status",
        "to_status",
        "from_owner",
        "to_owner",
        "held_for_text",
        "note",
    )
    readonly_fields = fields

    @admin.display(description=CaseEvent._meta.get_field("held_for").verbose_name)
    def held_for_text(self, event):
        return format_duration(event.held_for) if event.held_for else ""


class MediationInline(ReadOnlyInline):
    model = Mediation
    fields = ("created_at", "level", "mediator", "outcome", "parties", "agreement")
    readonly_fields = fields


class CountyCallInline(ReadOnlyInline):
    model = CountyCall
    fields = (
        "created_at",
        "department",
        "state",
        "respond_by",
        "response",
        "town_rating",
        "department_rating",
    )
    readonly_fields = fields


@admin.register(Case, site=site)
class CaseAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):
    """A town admin sees only their town's cases; everyone reads, nobody edits state here."""

    view_action = "case.view"
    scope_via = "node"
    list_display = (
        "number",
        "title",
        "color",
        "status",
        "node",
        "owner_node",
        "clear_by",
        "created_at",
    )
    # By the day reported as a filter, not a date hierarchy: the hierarchy reads the first and
    # last day and every year of every case in scope on each page.
    list_filter = (
        "status",
        "color",
        "source",
        "emergency",
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("number", "title", "tracking_code")
    list_select_related = ("node", "owner_node")
    inlines = [EventInline, MediationInline, CountyCallInline]
    change_form_template = "admin/cases/case/change_form.html"

    def get_urls(self):
        from django.urls import path

        extra = [
            path(
                "<int:pk>/work/", self.admin_site.admin_view(self.work_view), name="cases_case_work"
            )
        ]
        return extra + super().get_urls()

    def work_view(self, request, pk: int):
        """Take a workflow action from the admin: the same form and actions the desk uses."""
        from django.contrib import messages
        from django.core.exceptions import ValidationError
        from django.shortcuts import get_object_or_404, redirect
        from django.template.response import TemplateResponse

        from cases import workflow
        from cases.forms import CaseActionForm
        from cases.pages import action_forms
        from gridgov.errors import add_to_form

        case = get_object_or_404(self.get_queryset(request), pk=pk)  # outside the scope: 404
        bound = None
        if request.method == "POST":
            action = request.POST.get("action", "")
            form = CaseActionForm(
                request.POST,
                user=request.user,
                case=case,
                page=workflow.ADMIN,
                auto_id=f"id_{action}_%s",
            )
            if form.is_valid():
                try:
                    form.run()
                except ValidationError as exc:
                    add_to_form(form, exc)
                else:
                    messages.success(request, _("Done."))
                    return redirect("admin:cases_case_change", case.pk)
            if action in workflow.available_actions(request.user, case, workflow.ADMIN):
                bound = {action: form}
            else:
                messages.error(request, _("Not done: see the form below."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Work case %(number)s") % {"number": case.number},
            "case": case,
            "actions": action_forms(request.user, case, bound, page=workflow.ADMIN),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/cases/case/work.html", context)

    exclude = ("reporter_phone",)

    def get_readonly_fields(self, request, obj=None):
        # The reporter's phone is personal data: masked here too; the desk's case page has
        # the logged reveal for those who work the case.
        names = [f.name for f in Case._meta.fields if f.name != "reporter_phone"]
        return [*names, "masked_reporter_phone"]

    @admin.display(description=_("reporter's phone"))
    def masked_reporter_phone(self, obj):
        return mask_phone(obj.reporter_phone)


class CountyReferenceAdmin(ScopedModelAdmin, admin.ModelAdmin):
    """Reference data every county shares: the county's administrators edit it."""

    def has_module_permission(self, request):
        return access.can_anywhere(request.user, "door.admin")

    def has_view_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "door.admin")

    def _county_admin(self, request):
        return access.can_anywhere(request.user, "reference.change")

    def has_change_permission(self, request, obj=None):
        return self._county_admin(request)

    def has_add_permission(self, request):
        return self._county_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._county_admin(request)


@admin.register(TriagePolicy, site=site)
class TriagePolicyAdmin(CountyReferenceAdmin):
    list_display = (
        "color",
        "clear_within",
        "day_kind",
        "report_cadence",
        "warn_hours_before",
        "escalate_after_days",
        "failed_mediations_to_escalate",
    )

    def has_add_permission(self, request):
        return False  # one row per color, made by the migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday, site=site)
class HolidayAdmin(CountyReferenceAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"

    change_list_template = "admin/cases/holiday/change_list.html"

    def get_urls(self):
        from django.urls import path

        extra = [
            path(
                "enter/",
                self.admin_site.admin_view(self.enter_view),
                name="cases_holiday_enter",
            )
        ]
        return extra + super().get_urls()

    def enter_view(self, request):
        """A year's arrangement typed or pasted from the State Council's notice, in lines."""
        from django import forms
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from cases import actions, policy

        if not self.has_add_permission(request):
            raise PermissionDenied

        class ArrangementForm(forms.Form):
            arrangement = forms.CharField(
                label=_("Days off and make-up workdays"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 16, "cols": 60}),
                help_text=_(
                    "One line each: a date or a range, 休 (day off) or 班 (make-up workday), "
                    "and a name, e.g. “2027-02-05..2027-02-12 休 春节” or "
                    "“2027-02-14 班 春节”. Dates already in the table are replaced."
                ),
            )
            upload = forms.FileField(
                label=_("Or a file"),
                required=False,
                help_text=_(
                    "A text file of such lines, or an .xlsx sheet with the date or range, "
                    "休 or 班, and the name in columns A to C."
                ),
            )

            def clean(self):
                cleaned = super().clean()
                text, upload = cleaned.get("arrangement") or "", cleaned.get("upload")
                try:
                    if upload is not None:
                        sheet = policy.arrangement_text(upload.name, upload.read())
                        text = "\n".join(part for part in (text, sheet) if part)
                    entries = policy.parse_arrangement(text)
                except ValueError as exc:
                    raise forms.ValidationError(str(exc)) from exc
                if not entries:
                    raise forms.ValidationError(_("There is no date in the text."))
                cleaned["entries"] = entries
                return cleaned

        form = ArrangementForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            written, moved = actions.holidays_enter(request.user, form.cleaned_data["entries"])
            messages.success(
                request,
                ngettext("%(count)d date entered.", "%(count)d dates entered.", written)
                % {"count": written}
                + " "
                + ngettext(
                    "The deadline of %(count)d open case was recomputed.",
                    "The deadlines of %(count)d open cases were recomputed.",
                    len(moved),
                )
                % {"count": len(moved)},
            )
            return redirect("admin:cases_holiday_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enter a year's holidays"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/cases/holiday/enter.html", context)

    # Deadlines already computed over a year change when its days are entered or corrected.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        years = {obj.date.year}
        if change and form.initial.get("date"):
            years.add(form.initial["date"].year)
        self._recompute(request, years)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute(request, {obj.date.year})

    def delete_queryset(self, request, queryset):
        years = set(queryset.values_list("date__year", flat=True))
        super().delete_queryset(request, queryset)
        self._recompute(request, years)

    def _recompute(self, request, years):
        from cases import actions

        moved = sum(len(actions.recompute_deadlines(request.user, year)) for year in years)
        if moved:
            self.message_user(
                request,
                ngettext(
                    "The deadline of %(count)d open case was recomputed.",
                    "The deadlines of %(count)d open cases were recomputed.",
                    moved,
                )
                % {"count": moved},
            )


@admin.register(ResponsibilityItem, site=site)
class ResponsibilityItemAdmin(CountyReferenceAdmin):
    list_display = ("matter", "domain", "owner", "department", "lead_unit", "section", "phone")
    list_filter = ("owner", "domain")
    search_fields = ("matter", "lead_unit", "supporting_units")


@admin.register(Category, site=site)
class CategoryAdmin(CountyReferenceAdmin):
    list_display = ("name", "group", "responsibility", "suggested_color", "emergency")
    list_filter = ("group", "suggested_color", "emergency")
    search_fields = ("name",)


@admin.register(Unit, site=site)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Units sit on the tree (the county, or a town): scoped like the tree."""

    view_action = "node.view"
    change_action = add_action = delete_action = "node.change"
    list_display = ("name", "kind", "platform", "node", "parent", "phone")
    list_filter = ("kind", "platform")
    search_fields = ("name",)
    autocomplete_fields = ("node", "parent")


@admin.register(ResidentReporting, site=site)
class ResidentReportingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Whether a town takes residents' reports without a phone number: its admin decides."""

    scope_via = "town"
    add_action = "node.change"
    list_display = ("town", "anonymous_allowed")
    autocomplete_fields = ("town",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "town":
            from grids.models import GridNode, Tier

            kwargs["queryset"] = access.scope(
                request.user, "node.change", GridNode.objects.filter(tier=Tier.TOWN), via=""
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# The 12345 hotline's settings (their admin lives with the hotline's other modules).
from cases.hotline import admin as _hotline_admin  # noqa: E402, F401
