from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms.models import _get_foreign_key
from django.utils.translation import gettext_lazy as _

from gridgov.admin_site import ScopedAdminMixin, ScopedForms, ScopedModelAdmin, site
from staff import access, actions
from staff.models import (
    AppraisalItem,
    AppraisalRule,
    Assignment,
    DepartmentAppraisalRule,
    Link,
    OutpostScoreItem,
    PointsMonth,
    PointsRule,
    PointsScheme,
    Profile,
    ProvincePost,
    RedLine,
    TrainingPlan,
)
from staff.portraits import clean_portrait

User = get_user_model()


class _AssignmentForm(forms.ModelForm):
    """A grant row: an existing grant keeps its person and node (grant anew for those); a row
    the manager may not touch, or a role they may not give there, is a form error."""

    manager = None  # the person editing, set per request by AssignmentInline

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, pk in (("user", self.instance.user_id), ("node", self.instance.node_id)):
                field = self.fields.get(name)
                if field is not None:
                    field.queryset = field.queryset.model._default_manager.filter(pk=pk)
                    field.disabled = True

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed():
            return cleaned
        person_id = cleaned["user"].pk if cleaned.get("user") else self.instance.user_id
        node = cleaned.get("node") or getattr(self.instance, "node", None)
        if person_id and not access.may_manage(self.manager, person_id):
            raise forms.ValidationError(_("You may not change this person's grants."))
        role = cleaned.get("role")
        starts = cleaned.get("starts") or self.instance.starts
        twin = Assignment.objects.filter(user_id=person_id, node=node, role=role, starts=starts)
        if node is not None and twin.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("This person already holds this role here from that day.")
            )
        if node is not None and role and not access.may_grant(self.manager, role, node):
            raise forms.ValidationError(
                _("You may not give this role here: it is given from a higher level.")
            )
        return cleaned


class AssignmentInline(ScopedForms, admin.TabularInline):
    """Grants, shown on the person and on the node. Written through staff.actions."""

    model = Assignment
    extra = 0
    can_delete = False  # a grant is ended (history kept), not deleted
    room_for_new = 50
    fields = (
        "user", "node", "role", "starts", "ends", "term_ends", "title", "segment", "duties",
        "note",
    )  # fmt: skip
    autocomplete_fields = ("user", "node")
    formfield_overrides = {
        **ScopedForms.formfield_overrides,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})},
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only people the admin manages, only nodes they may grant on (strictly below their
        # own): the actions check again, this keeps the choices honest.
        if db_field.name == "node":
            kwargs["queryset"] = access.grantable_nodes(request.user)
        elif db_field.name == "user":
            kwargs["queryset"] = access.scope_users(request.user, "user.change", User.objects)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        # Django builds as many forms as a POST's TOTAL_FORMS claims, up to 1,000 beyond
        # max_num: a forged count would cost thousands of forms. The rows there are and room
        # for as many new grants at once as anyone types is the honest limit.
        if "max_num" not in kwargs:
            rows = 0
            if obj is not None:
                fk = _get_foreign_key(self.parent_model, self.model, fk_name=self.fk_name)
                rows = Assignment.objects.filter(**{fk.name: obj}).count()
            kwargs["max_num"] = kwargs["absolute_max"] = rows + self.room_for_new
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("ScopedAssignmentForm", (_AssignmentForm, formset.form), {})
        formset.form.manager = request.user
        return formset

    def get_queryset(self, request):
        # An API client's grants are its roles, changed through the client only.
        posts = super().get_queryset(request).filter(user__api_client__isnull=True)
        return access.scope(request.user, "assignment.view", posts)

    def has_view_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "assignment.view")

    def has_add_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "assignment.change")

    def has_change_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "assignment.change")

    def has_delete_permission(self, request, obj=None):
        return False


def save_assignment_formset(request, formset) -> None:
    """Inline grants go through the actions: new ones granted, changed ones updated. The
    actions' refusals (PermissionDenied, Http404) propagate: the admin answers 403/404 and the
    whole save, done in one transaction by the admin, is rolled back."""
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
                term_ends=data.get("term_ends"),
                note=data.get("note", ""),
                **_bulletin_fields(data),
            )
            formset.new_objects.append(granted)
        else:
            updated = actions.assignment_update(
                actor=request.user,
                assignment_id=form.instance.pk,
                role=data["role"],
                starts=data["starts"],
                ends=data.get("ends"),
                term_ends=data.get("term_ends"),
                note=data.get("note", ""),
                **_bulletin_fields(data),
            )
            formset.changed_objects.append((updated, form.changed_data))


def _bulletin_fields(data: dict) -> dict:
    """What the bulletin prints of a post, as the inline row gives it."""
    segment = data.get("segment")
    return {
        "title": data.get("title", ""),
        "duties": data.get("duties", ""),
        "segment_id": segment.pk if segment else None,
    }


class ProfileForm(forms.ModelForm):
    """A new portrait is checked and re-encoded before anything keeps it (staff.portraits)."""

    class Meta:
        model = Profile
        fields = ("photo", "work_phone", "show_work_phone", "private_phone")
        widgets = {"photo": forms.ClearableFileInput(attrs={"accept": "image/*"})}

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if isinstance(upload, UploadedFile):
            return clean_portrait(upload)
        return upload


class ProfileInline(ScopedForms, admin.StackedInline):
    """Photo and phones for the bulletin boards, on the person's page (the person's page opens
    only to those who manage them); saved by staff.actions.profile_update."""

    model = Profile
    form = ProfileForm
    can_delete = False
    extra = 1
    max_num = 1

    def has_view_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "user.change")

    def has_add_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "user.change")

    def has_change_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "user.change")

    def has_delete_permission(self, request, obj=None):
        return False


def save_profile_formset(request, formset) -> None:
    """The profile row through the action: a new photo (already re-encoded), a cleared one
    (the file input's "clear" box: False), or the photo left as it is."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if not form.has_changed():
            continue
        existed = form.instance.pk is not None
        data = form.cleaned_data
        photo = data.get("photo")
        profile = actions.profile_update(
            actor=request.user,
            user_id=formset.instance.pk,
            photo=photo if isinstance(photo, ContentFile) else None,
            remove_photo=photo is False,
            work_phone=data.get("work_phone", ""),
            show_work_phone=bool(data.get("show_work_phone")),
            private_phone=data.get("private_phone", ""),
        )
        form.instance = profile
        if existed:
            formset.changed_objects.append((profile, form.changed_data))
        else:
            formset.new_objects.append(profile)


site.unregister(User)


@admin.register(User, site=site)
class ScopedUserAdmin(ScopedModelAdmin, UserAdmin):
    """County admins manage everyone in the county, a town admin the people of their town."""

    inlines = [ProfileInline, AssignmentInline]
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
        # An API client's service user holds exactly the client's grants: it is changed only
        # through the client (gridgov's API clients), never here.
        people = super().get_queryset(request).filter(api_client__isnull=True)
        return access.scope_users(request.user, "user.change", people)

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
        elif formset.model is Profile:
            save_profile_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)


site.unregister(Group)  # gridgov decides access by assignments, not Django groups


# --- The county's rules of the monthly appraisal and of points (data, one version a month) ------


def _counties_of(user) -> list[int]:
    """The trees (counties) where the person holds the admin door: their county's rules are
    theirs to read, whatever the level of their post."""
    from grids.models import GridNode

    nodes = access.nodes_where(user, "door.admin")
    return list(GridNode.objects.filter(pk__in=nodes).values_list("tree_id", flat=True))


class CountyRuleAdmin(ScopedModelAdmin, admin.ModelAdmin):
    """A county's rule: read by the administrators of the county and its towns, changed by the
    county's own; once a month's sheets are made under a version it is kept as it was (a change
    is a new version from a later month)."""

    change_action = ""  # set by each rule's admin
    list_display = ("name", "county", "valid_from")
    list_filter = ("valid_from",)
    ordering = ("county", "-valid_from")

    @property
    def reference_action(self):
        return self.change_action

    def get_queryset(self, request):
        rules = super().get_queryset(request).select_related("county")
        if request.user.is_superuser:
            return rules
        return rules.filter(county__tree_id__in=_counties_of(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "county":
            from grids.models import GridNode, Tier

            kwargs["queryset"] = GridNode.objects.filter(tier=Tier.COUNTY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def used(self, obj) -> bool:
        """Has a month been worked out under this version? Then it stays as it was."""
        return False

    def has_module_permission(self, request):
        return access.can_anywhere(request.user, "door.admin")

    def has_view_permission(self, request, obj=None):
        if not access.can_anywhere(request.user, "door.admin"):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return access.can_anywhere(request.user, self.change_action)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return access.can_anywhere(request.user, self.change_action)
        return access.can(request.user, self.change_action, obj) and not self.used(obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and self.has_change_permission(request, obj)


class _RuleLines(ScopedForms, admin.TabularInline):
    """The lines of a rule, changed with it."""

    extra = 0
    change_action = ""

    @property
    def reference_action(self):
        return self.change_action

    def has_view_permission(self, request, obj=None):
        return access.can_anywhere(request.user, "door.admin")

    def has_add_permission(self, request, obj=None):
        return obj is None or self.admin_site._registry[self.parent_model].has_change_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class AppraisalItemInline(_RuleLines):
    model = AppraisalItem
    change_action = "appraisalrule.change"
    fields = ("position", "label", "measure", "per_unit", "cap", "floor", "default_points")


@admin.register(AppraisalRule, site=site)
class AppraisalRuleAdmin(CountyRuleAdmin):
    change_action = "appraisalrule.change"
    inlines = [AppraisalItemInline]
    fieldsets = (
        (None, {"fields": ("county", "valid_from", "name", "note")}),
        (_("Score and grades"), {"fields": ("full_score", "excellent_from", "competent_from",
                                            "basic_from", "objection_days")}),
        (_("Pay"), {"fields": ("base_pay", "performance_pay", "coefficient_a", "coefficient_b",
                               "coefficient_c")}),
    )  # fmt: skip

    def used(self, obj) -> bool:
        return obj.sheets.exists()


class PointsRuleInline(_RuleLines):
    model = PointsRule
    change_action = "pointsrule.change"
    fields = ("role", "measure", "points", "monthly_cap")


@admin.register(PointsScheme, site=site)
class PointsSchemeAdmin(CountyRuleAdmin):
    change_action = "pointsrule.change"
    inlines = [PointsRuleInline]
    fields = ("county", "valid_from", "name", "note")

    def used(self, obj) -> bool:
        return PointsMonth.objects.filter(scheme=obj).exists()


@admin.register(ProvincePost, site=site)
class ProvincePostAdmin(ScopedModelAdmin, admin.ModelAdmin):
    """Province staff read every county of their province, above any county admin's reach:
    only superusers grant it."""

    list_display = ("user", "province", "starts", "ends")
    list_filter = ("province",)
    autocomplete_fields = ("user",)
    reference_action = "user.change"

    def _superuser(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_module_permission = _superuser
    has_view_permission = _superuser
    has_add_permission = _superuser
    has_change_permission = _superuser

    def has_delete_permission(self, request, obj=None):
        return False  # a post is ended (its end date), so that who read what stays known

    def save_model(self, request, obj, form, change):
        actions.province_post_save(actor=request.user, post=obj)


# --- A county's negative list (负面清单): red lines, data the county keeps --------------------


@admin.register(RedLine, site=site)
class RedLineAdmin(CountyRuleAdmin):
    """Read by the administrators of the county and its towns, changed by the county's own;
    a red line someone was recorded crossing stays as it was (add a new one instead)."""

    change_action = "redline.change"
    list_display = ("code", "text", "severity", "county")
    list_filter = ("severity",)
    ordering = ("county", "code")
    fields = ("county", "code", "text", "severity")

    def used(self, obj) -> bool:
        return obj.violations.exists()


# --- Training plans: a level's duty to train a role (分级培训, seed 002) -----------------------


@admin.register(TrainingPlan, site=site)
class TrainingPlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A county's plan for its instructors, a town's (or a village's) for its grid workers: kept
    by the administrators of that level; the desk's training pages read them."""

    view_action = "training.view"
    change_action = add_action = delete_action = "trainingplan.change"
    list_display = ("name", "node", "role", "every_months")
    list_filter = ("role", "every_months")
    list_select_related = ("node",)
    autocomplete_fields = ("node",)
    fields = ("node", "role", "every_months", "name", "note")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "node":
            from grids.models import GridNode, Tier

            kwargs["queryset"] = GridNode.objects.filter(
                tier__in=(Tier.COUNTY, Tier.TOWN, Tier.VILLAGE)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Linked cadres (挂联 / 包村) and what the county's department appraisal runs on ------------


@admin.register(Link, site=site)
class LinkAdmin(ScopedModelAdmin, admin.ModelAdmin):
    """Who is linked to which village: kept by the administrators over the village."""

    list_display = ("village", "kind", "user", "unit", "since", "until", "weekly_patrols")
    list_filter = ("kind",)
    fields = ("village", "kind", "user", "unit", "since", "until", "weekly_patrols", "note")

    def get_queryset(self, request):
        links = super().get_queryset(request).select_related("village", "user", "unit")
        return access.scope(request.user, "node.change", links, via="village")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            from grids.models import GridNode, Tier

            kwargs["queryset"] = GridNode.objects.filter(tier=Tier.VILLAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return access.can_anywhere(request.user, "node.change")

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.can_anywhere(request.user, "node.change")
        return access.can(request.user, "node.change", obj)

    def has_add_permission(self, request):
        return access.can_anywhere(request.user, "node.change")

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and not obj.copatrols.exists()
            and self.has_view_permission(request, obj)
        )


@admin.register(OutpostScoreItem, site=site)
class OutpostScoreItemAdmin(CountyRuleAdmin):
    change_action = "reference.change"
    list_display = ("name", "county", "most", "position", "active")
    list_filter = ("active",)
    ordering = ("county", "position")
    fields = ("county", "name", "most", "position", "active")


@admin.register(DepartmentAppraisalRule, site=site)
class DepartmentAppraisalRuleAdmin(CountyRuleAdmin):
    change_action = "reference.change"
    list_display = ("county", "sign_within_hours", "town_share")
    list_filter = ()
    ordering = ("county",)
    fields = ("county", "sign_within_hours", "town_share")
