"""Every write about people: their grants, profiles and rounds here; their appraisal, points and
the points shop in this package's modules."""

from __future__ import annotations

import contextlib
import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.errors import DomainError
from gridgov.language import in_site_language
from grids.models import GridNode
from staff import access
from staff.models import Assignment


def province_post_save(*, actor, post):
    """Give or change a province post. A province sits above every county's tree, so no grant
    reaches it: only superusers (the province's own platform) hand these out."""
    if actor is None or not actor.is_superuser:
        raise PermissionDenied
    post.full_clean()
    post.save()
    access.forget_grants(post.user)
    return post


@transaction.atomic
def assignment_grant(
    *,
    actor,
    user_id: int,
    node_id: int,
    role: str,
    starts: dt.date | None = None,
    ends: dt.date | None = None,
    term_ends: dt.date | None = None,
    note: str = "",
    title: str = "",
    duties: str = "",
    segment_id: int | None = None,
) -> Assignment:
    """Give a person a role on a node (and so on its subtree); a street chief's post may name
    the road segment they look after, on that segment's node. A post held for a term (grid
    workers, instructors) gets three years unless `term_ends` says otherwise."""
    node = GridNode.objects.filter(pk=node_id).first()
    if node is None:
        raise DomainError(_("That place in the tree does not exist (any more)."), field="node")
    # Checked before the grant exists: a grant never makes someone manageable who was not.
    access.require_grant(actor, person_id=user_id, role=role, node=node)
    assignment = Assignment(
        user_id=user_id,
        node=node,
        role=role,
        starts=starts or timezone.localdate(),
        ends=ends,
        term_ends=term_ends,
        note=note,
        title=title,
        duties=duties,
        segment=_segment(segment_id),
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_update(
    *,
    actor,
    assignment_id: int,
    role: str,
    starts: dt.date,
    ends: dt.date | None,
    note: str = "",
    **bulletin,
) -> Assignment:
    """Correct a grant's role, dates or note (its person and node stay: grant anew for those),
    its term (`term_ends`: a renewal) and what the bulletin prints of it: `title`, `duties`,
    `segment_id` (each left as it is unless given)."""
    unknown = set(bulletin) - {"title", "duties", "segment_id", "term_ends"}
    if unknown:
        raise TypeError(f"assignment_update got unexpected fields: {sorted(unknown)}")
    assignment = Assignment.objects.select_for_update().select_related("node").get(pk=assignment_id)
    access.require_grant(actor, person_id=assignment.user_id, role=role, node=assignment.node)
    if role != assignment.role:  # the old role must have been theirs to give, too
        access.require_grant(
            actor, person_id=assignment.user_id, role=assignment.role, node=assignment.node
        )
    assignment.role, assignment.starts, assignment.ends, assignment.note = role, starts, ends, note
    fields = ["role", "starts", "ends", "note"]
    if "segment_id" in bulletin:
        assignment.segment = _segment(bulletin.pop("segment_id"))
        fields.append("segment")
    for name, value in bulletin.items():
        setattr(assignment, name, value)
        fields.append(name)
    assignment.full_clean()
    assignment.save(update_fields=fields)
    return assignment


def _segment(segment_id: int | None):
    from grids.models import StreetSegment

    if segment_id is None:
        return None
    segment = StreetSegment.objects.select_related("node").filter(pk=segment_id).first()
    if segment is None:
        raise DomainError(_("That road segment does not exist (any more)."), field="segment")
    return segment


@transaction.atomic
def profile_update(*, actor, user_id: int, photo=None, remove_photo: bool = False, **fields):
    """Set what the bulletin shows of a person: `work_phone`, `show_work_phone`,
    `private_phone` (each left as it is unless given), and a portrait already checked and
    re-encoded (staff.portraits.clean_portrait) or `remove_photo`. Only someone who manages
    the person may (404 otherwise, like a person outside their scope)."""
    from staff.models import Profile

    unknown = set(fields) - {"work_phone", "show_work_phone", "private_phone"}
    if unknown:
        raise TypeError(f"profile_update got unexpected fields: {sorted(unknown)}")
    if actor is not None and not access.may_manage(actor, user_id):
        raise Http404("No such person.")
    profile, _created = Profile.objects.select_for_update().get_or_create(user_id=user_id)
    old_photo = profile.photo.name if profile.photo else ""
    for name, value in fields.items():
        setattr(profile, name, value)
    if photo is not None:
        profile.photo.save(photo.name, photo, save=False)
    elif remove_photo:
        profile.photo = ""
    profile.full_clean(exclude=["user", "photo"])
    profile.save()
    new_photo = profile.photo.name if profile.photo else ""
    if old_photo and old_photo != new_photo:
        # The old portrait's address was public: once replaced it must stop answering.
        storage, name = profile.photo.storage, old_photo
        transaction.on_commit(lambda: storage.delete(name))
    return profile


@transaction.atomic
def assignment_end(*, actor, assignment_id: int, ends: dt.date | None = None) -> Assignment:
    """End a grant (from `ends`, default today); history is kept, never deleted."""
    assignment = Assignment.objects.select_for_update().select_related("node").get(pk=assignment_id)
    access.require_grant(
        actor, person_id=assignment.user_id, role=assignment.role, node=assignment.node
    )
    assignment.ends = ends or timezone.localdate()
    assignment.full_clean()
    assignment.save(update_fields=["ends"])
    return assignment


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    password: str | None,
    email: str = "",
    password_hash: str = "",
):
    """Create a login for a person. Their grants are given with assignment_grant.

    `password_hash` (already hashed, e.g. shared by a batch of demo users) wins over `password`.
    """
    if actor is not None and not access.can_anywhere(actor, "user.change"):
        raise PermissionDenied
    user_model = get_user_model()
    user = user_model(username=username, first_name=full_name, email=email)
    if password_hash:
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def login_attempts_purge(*, now: dt.datetime | None = None) -> int:
    """Drop login records older than GRIDGOV_ACCESS_LOG_DAYS (nightly, from beat)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.GRIDGOV_ACCESS_LOG_DAYS)
    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _details = model.objects.filter(attempt_time__lt=cutoff).delete()
        removed += count
    return removed


# --- Patrols and household visits (巡查, 走访) ----------------------------------------------------


def _today(now: dt.datetime | None) -> tuple[dt.datetime, dt.date]:
    now = now or timezone.now()
    return now, timezone.localdate(now)


@transaction.atomic
def patrol_start(
    *, actor, node_id: int, latitude=None, longitude=None, now: dt.datetime | None = None
):
    """Start today's patrol of a grid (starting again the same day returns the same patrol)."""
    from grids.models import Tier
    from staff.models import Patrol

    now, today = _today(now)
    node = GridNode.objects.filter(pk=node_id, tier__in=(Tier.GRID, Tier.MICRO_GRID)).first()
    if node is None:
        raise Http404("No such grid.")
    access.require(actor, "patrol.record", node)
    patrol, _created = Patrol.objects.get_or_create(
        user=actor,
        node=node,
        date=today,
        defaults={"started_at": now, "start_latitude": latitude, "start_longitude": longitude},
    )
    return patrol


@contextlib.contextmanager
def _about(field: str):
    """A case the round reports is refused on the field the person wrote it in."""
    try:
        yield
    except DomainError as error:
        if error.field is None and not hasattr(error, "error_dict"):
            raise DomainError(error.message, field=field) from None
        raise


@transaction.atomic
def patrol_finish(
    *,
    actor,
    patrol_id: int,
    notes: str = "",
    finding: str = "",
    is_case: bool = False,
    category_id: int | None = None,
    photos=(),
    latitude=None,
    longitude=None,
    now: dt.datetime | None = None,
):
    """Finish a patrol with notes; a finding ticked "this is a case" becomes a case (source
    patrol) in the same transaction, reported as the phone's report form reports one: under a
    category, with its photos (already checked and re-encoded, cases.photos). Returns
    (patrol, case or None)."""
    from staff.models import Patrol

    now, _day = _today(now)
    patrol = Patrol.objects.select_for_update().select_related("node").filter(pk=patrol_id).first()
    if patrol is None or patrol.user_id != actor.pk:
        raise Http404("No such patrol.")
    access.require(actor, "patrol.record", patrol)
    if patrol.finished_at is not None:
        raise DomainError(_("This patrol is already finished."))
    finding = (finding or "").strip()
    if is_case and not finding:
        raise DomainError(_("Please describe what you found."), field="finding")
    if is_case and not category_id:
        raise DomainError(_("Choose the category of the case."), field="category")
    if photos and not is_case:
        # A patrol keeps no photos: they would be dropped without a word.
        raise DomainError(_("Photos go with a case: tick “This is a case”."), field="photos")
    case = None
    if is_case:
        from cases.actions import case_report_from_the_field

        with _about("finding"):
            case = case_report_from_the_field(
                actor=actor,
                node_id=patrol.node_id,
                category_id=category_id,
                description=finding,
                latitude=latitude,
                longitude=longitude,
                photos=photos,
                now=now,
            )
    patrol.finished_at = now
    patrol.notes = "\n".join(part for part in ((notes or "").strip(), finding) if part)
    patrol.finish_latitude, patrol.finish_longitude = latitude, longitude
    patrol.save(update_fields=["finished_at", "notes", "finish_latitude", "finish_longitude"])
    return patrol, case


@transaction.atomic
def visit_record(
    *,
    actor,
    household_id: int,
    date: dt.date,
    how: str,
    findings: str = "",
    needs: str = "",
    needs_action: bool = False,
    submission_id: str | None = None,
    now: dt.datetime | None = None,
):
    """Record a household visit and move its next visit date; "needs action" makes a case in
    the same transaction. The same `submission_id` again returns the first visit unchanged."""
    from grids.actions import household_visited
    from grids.models import Household
    from staff.models import Visit, VisitHow

    now, today = _today(now)
    submission_id = (submission_id or "").strip() or None
    if submission_id:
        first = Visit.objects.filter(submission_id=submission_id).first()
        if first is not None:
            if first.user_id != actor.pk:
                raise Http404("No such visit.")
            return first
    household = Household.objects.select_related("node").filter(pk=household_id).first()
    if household is None:
        raise Http404("No such household.")
    access.require(actor, "visit.record", household)
    errors = {}
    if how not in VisitHow.values:
        errors["how"] = _("Please choose how you visited.")
    if date is None:
        errors["date"] = _("Please give the date.")
    elif date > today:
        errors["date"] = _("The date cannot be in the future.")
    if needs_action and not (needs or findings or "").strip():
        errors["needs"] = _("Please describe what needs action.")
    if errors:
        raise DomainError(errors)
    try:
        with transaction.atomic():  # a retry racing the first: the unique submission_id wins
            visit = Visit.objects.create(
                household=household,
                user=actor,
                date=date,
                how=how,
                findings=(findings or "").strip(),
                needs=(needs or "").strip(),
                due=household.next_visit_due,
                submission_id=submission_id,
            )
    except IntegrityError:
        return Visit.objects.get(submission_id=submission_id)
    if needs_action:
        from cases.actions import case_report

        text = (needs or findings).strip()
        with _about("needs"):
            visit.case = case_report(
                actor=actor,
                node_id=household.node_id,
                title=in_site_language(
                    gettext_lazy("Visit: %(household)s"), household=household.head_name
                )[:200],
                description=f"{household.address}\n{text}",
                source="visit",
                location=household.address,
                now=now,
            )
        visit.save(update_fields=["case"])
    household_visited(household_id=household.pk, on=date)
    return visit


# --- Appraisal and pay, points and the points shop (考核, 积分, 积分超市) -----------------------
# One module per subject; every action importable from here like those above.
from staff.actions.appraisal import (  # noqa: E402
    appraisal_answer,
    appraisal_compute,
    appraisal_compute_due,
    appraisal_object,
    appraisal_publish,
    appraisal_score,
    appraisal_sign,
)
from staff.actions.cadres import copatrol_join, outpost_score_save  # noqa: E402
from staff.actions.evaluation import (  # noqa: E402
    evaluation_decide,
    evaluation_forward,
    evaluation_give,
)
from staff.actions.points import (  # noqa: E402
    points_account_open,
    points_award,
    points_compute_due,
    points_compute_month,
    points_publish_month,
)
from staff.actions.shop import (  # noqa: E402
    shop_item_save,
    shop_redeem,
    shop_stock_count,
    shop_stock_in,
)
from staff.actions.terms import assignment_exit, violation_record  # noqa: E402
from staff.actions.training import (  # noqa: E402
    certificate_record,
    training_attendance_mark,
    training_attendance_remove,
    training_session_create,
    training_sign_in,
)

__all__ = [
    "appraisal_answer",
    "appraisal_compute",
    "appraisal_compute_due",
    "appraisal_object",
    "appraisal_publish",
    "appraisal_score",
    "appraisal_sign",
    "assignment_end",
    "assignment_exit",
    "certificate_record",
    "evaluation_decide",
    "evaluation_forward",
    "evaluation_give",
    "assignment_grant",
    "assignment_update",
    "copatrol_join",
    "login_attempts_purge",
    "outpost_score_save",
    "patrol_finish",
    "patrol_start",
    "points_account_open",
    "points_award",
    "points_compute_due",
    "points_compute_month",
    "points_publish_month",
    "profile_update",
    "shop_item_save",
    "shop_redeem",
    "shop_stock_count",
    "shop_stock_in",
    "training_attendance_mark",
    "training_attendance_remove",
    "training_session_create",
    "training_sign_in",
    "user_create",
    "violation_record",
    "visit_record",
]
