from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from mptt.admin import MPTTModelAdmin

from gridgov.admin_site import ReadOnly, ReadOnlyInline, ScopedAdminMixin, ScopedModelAdmin, site
from grids import actions
from grids.models import GridNode, RetiredCode
from staff import access
from staff.admin import AssignmentInline, save_assignment_formset
from staff.models import Assignment

NODE_FIELDS = ["parent", "tier", "code", *actions.EDITABLE_FIELDS]


class GridNodeForm(forms.ModelForm):
    class Meta:
        model = GridNode
        fields = NODE_FIELDS

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        node = self.instance
        if node.pk and parent is not None and node.contains(parent):
            raise ValidationError(
                {"parent": _("A node cannot be moved under itself or its own descendants.")}
            )
        if not node.pk and cleaned.get("code"):
            actions.check_code_free(cleaned["code"])
        return cleaned


@admin.register(GridNode, site=site)
class GridNodeAdmin(ScopedAdminMixin, MPTTModelAdmin):
    form = GridNodeForm
    scope_via = ""
    mptt_level_indent = 18
    list_display = ("name", "tier", "code", "kind", "households", "population", "difficulty")
    list_filter = ("tier", "kind", "difficulty")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    list_per_page = 100
    fields = NODE_FIELDS
    inlines = [AssignmentInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = access.scope(
                request.user, "node.create", GridNode.objects.all(), via=""
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A code is never edited in place (it is never reused); recode by moving.
        return ("tier", "code") if obj is not None else ()

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete for "parent" offers only nodes the admin may add under.
        field = request.GET.get("field_name")
        if field == "parent":
            queryset = access.scope(request.user, "node.create", queryset, via="")
        elif field == "node":
            queryset = access.scope(request.user, "assignment.change", queryset, via="")
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in actions.EDITABLE_FIELDS if f in form.cleaned_data}
        if not change:
            node = actions.node_create(
                actor=request.user,
                parent_id=obj.parent_id,
                tier=obj.tier,
                code=obj.code,
                **data,
            )
            for f in GridNode._meta.concrete_fields:
                setattr(obj, f.attname, getattr(node, f.attname))
            obj._state.adding = False
            return
        if "parent" in form.changed_data:
            actions.node_move(actor=request.user, node_id=obj.pk, new_parent_id=obj.parent_id)
        changed = {f: v for f, v in data.items() if f in form.changed_data}
        if changed:
            actions.node_update(actor=request.user, node_id=obj.pk, **changed)

    def save_formset(self, request, form, formset, change):
        if formset.model is Assignment:
            save_assignment_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def get_actions(self, request):
        # django-mptt swaps in its own bulk delete, which deletes rows directly: protected
        # references then raise, and codes are not retired. Django's own action asks first
        # (listing what blocks it) and deletes through delete_queryset, i.e. node_delete.
        from django.contrib.admin.actions import delete_selected

        found = super().get_actions(request)
        if "delete_selected" in found:
            found["delete_selected"] = (
                delete_selected,
                "delete_selected",
                delete_selected.short_description,
            )
        return found

    def delete_model(self, request, obj):
        actions.node_delete(actor=request.user, node_id=obj.pk, reason="removed in admin")

    def delete_queryset(self, request, queryset):
        # Leaves first, so that a parent is empty by the time its turn comes.
        for node in queryset.order_by("-level"):
            try:
                actions.node_delete(actor=request.user, node_id=node.pk, reason="removed in admin")
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))


@admin.register(RetiredCode, site=site)
class RetiredCodeAdmin(ReadOnly, ScopedModelAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "tier", "retired_at", "reason")
    search_fields = ("code", "name")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


# ---------------------------------------------------------------- household ledger (台账)
# Scoped like the tree; residents' ID numbers and phones appear masked only (admins are not on
# the need-to-know list: staff/access.py "resident.reveal"), and residents are changed on the
# ledger pages, where the ID number is checked and tags are guarded.

from grids.models import Household, Organization, Resident, RevealLog  # noqa: E402
from grids.privacy import mask_id_number, mask_phone  # noqa: E402


class LedgerAdminMixin(ScopedAdminMixin):
    view_action = "household.view"
    change_action = "household.change"
    add_action = "household.change"
    delete_action = "household.change"


class MaskedResident:
    """A resident's ID number and phone as the admin shows them: masked."""

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


class ResidentInline(MaskedResident, ReadOnlyInline):
    model = Resident
    fields = ("name", "relation", "masked_id_number", "masked_phone")
    readonly_fields = fields


@admin.register(Household, site=site)
class HouseholdAdmin(LedgerAdminMixin, admin.ModelAdmin):
    list_display = ("head_name", "address", "node", "category", "members", "next_visit_due")
    list_filter = ("category",)
    search_fields = ("head_name", "address", "node__code")
    list_select_related = ("node",)
    fields = ("node", *(f for f in actions.HOUSEHOLD_FIELDS if f != "contact"))
    autocomplete_fields = ("node",)
    inlines = [ResidentInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in self.fields if f in form.cleaned_data}
        node = data.pop("node", None)
        if change:
            changed = {f: v for f, v in data.items() if f in form.changed_data}
            saved = actions.household_update(actor=request.user, household_id=obj.pk, **changed)
        else:
            saved = actions.household_create(actor=request.user, node_id=node.pk, **data)
        for f in Household._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))
        obj._state.adding = False


@admin.register(Resident, site=site)
class ResidentAdmin(MaskedResident, ReadOnly, LedgerAdminMixin, admin.ModelAdmin):
    scope_via = "household__node"
    list_display = ("name", "household", "relation", "masked_id_number", "masked_phone")
    search_fields = ("name", "household__head_name", "household__address")
    list_select_related = ("household__node",)
    fields = ("household", "name", "relation", "masked_id_number", "masked_phone")
    readonly_fields = fields


@admin.register(Organization, site=site)
class OrganizationAdmin(LedgerAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "node", "contact")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("node",)
    fields = ("node", *actions.ORGANIZATION_FIELDS)
    autocomplete_fields = ("node",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in actions.ORGANIZATION_FIELDS}
        saved = actions.organization_create(
            actor=request.user, node_id=form.cleaned_data["node"].pk, **data
        )
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(RevealLog, site=site)
class RevealLogAdmin(ReadOnly, LedgerAdminMixin, admin.ModelAdmin):
    scope_via = "resident__household__node"
    list_display = ("created_at", "user", "resident", "case", "field", "reason")
    list_select_related = ("user", "resident", "case")
    fields = list_display
    readonly_fields = list_display

    def get_queryset(self, request):
        # A reveal is of a resident (through their household's grid) or of a case's reporter.
        base = admin.ModelAdmin.get_queryset(self, request)
        user = request.user
        return access.scope(user, self.view_action, base, via="resident__household__node") | (
            access.scope(user, "case.view", base, via="case__node")
        )

    def has_view_permission(self, request, obj=None):
        if obj is not None and obj.case_id:
            return access.can(request.user, "case.view", obj.case) and access.can_anywhere(
                request.user, "door.admin"
            )
        return super().has_view_permission(request, obj.resident if obj else None)


# ---------------------------------------------------------------- street chiefs' road segments
# Scoped like the tree (whoever may change the place may change its segments); the chiefs are
# posts given on the person's or the place's page (role street_chief, with the segment).

from grids.models import StreetSegment  # noqa: E402


class StreetChiefInline(ReadOnlyInline):
    model = Assignment
    fk_name = "segment"
    verbose_name = _("street chief")
    verbose_name_plural = _("street chiefs (posted on the person's or the place's page)")
    fields = ("user", "title", "starts", "ends")
    readonly_fields = fields

    def get_queryset(self, request):
        return access.scope(request.user, "assignment.view", super().get_queryset(request))


@admin.register(StreetSegment, site=site)
class StreetSegmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    add_action = "node.change"
    delete_action = "node.change"
    list_display = ("code", "road", "name", "node")
    search_fields = ("code", "road", "name")
    list_select_related = ("node",)
    autocomplete_fields = ("node",)
    fields = ("node", "code", *actions.SEGMENT_FIELDS)
    inlines = [StreetChiefInline]

    def get_readonly_fields(self, request, obj=None):
        # Its chiefs are posted on its node, and its code is printed on its bulletin.
        return ("node", "code") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # a segment with chiefs is protected; end their posts, keep the history

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in actions.SEGMENT_FIELDS if f in form.cleaned_data}
        if change:
            changed = {f: v for f, v in data.items() if f in form.changed_data}
            saved = (
                actions.street_segment_update(actor=request.user, segment_id=obj.pk, **changed)
                if changed
                else obj
            )
        else:
            saved = actions.street_segment_create(
                actor=request.user,
                node_id=form.cleaned_data["node"].pk,
                code=form.cleaned_data["code"],
                **data,
            )
        for f in StreetSegment._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))
        obj._state.adding = False


from grids.models import Province  # noqa: E402


class _CountiesField(forms.ModelMultipleChoiceField):
    """An id too big for the column would be an exception in the database: a wrong choice."""

    def _check_values(self, value):
        from gridgov.cleaning import parse_id

        for v in value or ():
            if parse_id(v) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": v},
                )
        return super()._check_values(value)


class ProvinceForm(forms.ModelForm):
    counties = _CountiesField(
        label=_("counties"),
        queryset=GridNode.objects.filter(parent__isnull=True).order_by("code"),
        required=False,
    )

    class Meta:
        model = Province
        fields = ("code", "name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["counties"].initial = list(
                self.instance.counties.values_list("pk", flat=True)
            )


@admin.register(Province, site=site)
class ProvinceAdmin(ScopedModelAdmin, admin.ModelAdmin):
    """Provinces sit above every county's tree, so only superusers keep them."""

    form = ProvinceForm
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def _superuser(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_module_permission = _superuser
    has_view_permission = _superuser
    has_add_permission = _superuser
    has_change_permission = _superuser

    def has_delete_permission(self, request, obj=None):
        return False  # a province that counties or posts point at is emptied, not deleted

    def save_model(self, request, obj, form, change):
        actions.province_save(
            actor=request.user,
            province=obj,
            county_ids=[c.pk for c in form.cleaned_data["counties"]],
        )

    def save_related(self, request, form, formsets, change):
        pass  # the counties were set with the province, in one action
