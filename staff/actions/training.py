"""培训: a level holds a training session; people sign in to it on their phone with the session's
QR code (a signed sign-in code, good until the session's day is over) or are marked by hand by
the level's staff; certificates (法律明白人 …) are recorded with their dates."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.queries.periods import midnight
from gridgov.errors import DomainError
from grids.models import GridNode, Tier
from staff import access
from staff.models import (
    Assignment,
    Attendance,
    AttendanceHow,
    Certificate,
    CertificateKind,
    TrainingSession,
)

SIGNIN_SALT = "staff.training.signin"
OPENS_BEFORE = dt.timedelta(hours=1)  # sign-in opens this long before the session starts
LONGEST = dt.timedelta(hours=12)
HOLDING_TIERS = (Tier.COUNTY, Tier.TOWN, Tier.VILLAGE)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    text = " ".join((value or "").split())[:limit]
    if required and not text:
        raise DomainError(_("Please fill this in."), field=field)
    return text


# --- The sign-in code a session's QR code carries ---------------------------------------------


def signin_until(session: TrainingSession) -> dt.datetime:
    """When the session's sign-in code stops working: midnight after the day it ends."""
    return midnight(timezone.localdate(session.ends) + dt.timedelta(days=1))


def signin_code(session: TrainingSession) -> str:
    """The session's sign-in code: its id and when the code expires, signed with the site's
    secret (so that nobody can make one for another session or a later day)."""
    until = int(signin_until(session).timestamp())
    return signing.dumps({"s": session.pk, "u": until}, salt=SIGNIN_SALT)


def signin_read(code: str, *, now: dt.datetime | None = None) -> tuple[int, bool] | None:
    """The session a sign-in code names and whether the code has expired; None for a code that
    was not made here (forged, altered, cut short)."""
    try:
        payload = signing.loads((code or "")[:200], salt=SIGNIN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    session_id, until = payload.get("s"), payload.get("u")
    if not isinstance(session_id, int) or not isinstance(until, int):
        return None
    return session_id, _now(now).timestamp() >= until


# --- Sessions and attendance --------------------------------------------------------------------


@transaction.atomic
def training_session_create(
    *,
    actor,
    node_id: int,
    topic: str,
    trainer: str,
    starts: dt.datetime,
    ends: dt.datetime,
    place: str,
    now: dt.datetime | None = None,
) -> TrainingSession:
    """A level (county, town, village) holds a training: its topic, trainer, time and place."""
    node = GridNode.objects.filter(pk=node_id or 0).first()
    if node is None:
        raise Http404("No such place.")
    access.require(actor, "training.manage", node)
    if node.tier not in HOLDING_TIERS:
        raise DomainError(_("A county, a town or a village holds trainings."), field="node")
    if ends <= starts:
        raise DomainError(_("A session ends after it starts."), field="ends")
    if ends - starts > LONGEST:
        raise DomainError(_("A session lasts at most twelve hours."), field="ends")
    return TrainingSession.objects.create(
        node=node,
        topic=_text(topic, "topic", 120),
        trainer=_text(trainer, "trainer", 60),
        starts=starts,
        ends=ends,
        place=_text(place, "place", 120),
        created_by=actor,
        created_at=_now(now),
    )


def _session(session_id) -> TrainingSession:
    session = (
        TrainingSession.objects.select_for_update()
        .filter(pk=session_id or 0)
        .select_related("node")
    ).first()
    if session is None:
        raise Http404("No such session.")
    return session


def _attend(session, user, *, how: str, by=None, now: dt.datetime) -> Attendance:
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                session=session,
                user=user,
                how=how,
                marked_by=by,
                day=timezone.localdate(session.starts),
                created_at=now,
            )
    except IntegrityError:
        raise DomainError(_("%(name)s is already signed in.") % {"name": _name(user)}) from None


def _name(user) -> str:
    return user.first_name or user.username


@transaction.atomic
def training_sign_in(
    *, actor, session_id: int, code: str, now: dt.datetime | None = None
) -> Attendance:
    """签到 by the session's QR code: the person, logged in on their own phone, signs in once, on
    the session's day, if they serve inside the place that holds it."""
    now = _now(now)
    read = signin_read(code, now=now)
    if read is None or read[0] != session_id:
        raise Http404("No such session.")
    session = _session(session_id)
    posted = access.posted_within(actor, "training.attend", session.node)
    if not posted and not access.in_scope(actor, session):
        raise Http404("No such session.")
    if not posted:
        raise PermissionDenied
    if read[1]:
        raise DomainError(_("This sign-in code has expired: the session is over."))
    if now < session.starts - OPENS_BEFORE:
        raise DomainError(_("Sign-in opens an hour before the session starts."))
    return _attend(session, actor, how=AttendanceHow.QR, now=now)


@transaction.atomic
def training_attendance_mark(
    *, actor, session_id: int, user_id: int, now: dt.datetime | None = None
) -> Attendance:
    """The level's staff mark a person present by hand (no phone, no signal): someone who
    serves inside the place that holds the session, whom the staff may see."""
    now = _now(now)
    session = _session(session_id)
    access.require(actor, "training.manage", session)
    from staff.queries.training import trainees_of

    person = trainees_of(actor, session.node).filter(pk=user_id or 0).first()
    if person is None:
        raise DomainError(_("Choose someone who serves here."), field="user")
    if person.pk == actor.pk:
        raise DomainError(
            _("Your own attendance is marked by someone else, or by the session's code."),
            field="user",
        )
    if session.starts > now:
        raise DomainError(_("Attendance is marked once the session has started."), field="user")
    return _attend(session, person, how=AttendanceHow.HAND, by=actor, now=now)


@transaction.atomic
def training_attendance_remove(*, actor, attendance_id: int) -> None:
    """A mark made by mistake is taken back by the level's staff."""
    attendance = (
        Attendance.objects.select_for_update()
        .select_related("session__node")
        .filter(pk=attendance_id or 0)
        .first()
    )
    if attendance is None:
        raise Http404("No such attendance.")
    access.require(actor, "training.manage", attendance)
    attendance.delete()


# --- Certificates -------------------------------------------------------------------------------


@transaction.atomic
def certificate_record(
    *,
    actor,
    node_id: int,
    user_id: int,
    kind: str,
    issued: dt.date,
    expires: dt.date | None = None,
    title: str = "",
    issuer: str = "",
    now: dt.datetime | None = None,
) -> Certificate:
    """A certificate a person holds (法律明白人 …), with the day it was issued and, if it has
    one, the day it expires; kept at the person's post (so that their village sees it)."""
    node = GridNode.objects.filter(pk=node_id or 0).first()
    if node is None:
        raise Http404("No such place.")
    access.require(actor, "training.manage", node)
    from staff.queries.training import trainees_of

    person = trainees_of(actor, node).filter(pk=user_id or 0).first()
    if person is None:
        raise DomainError(_("Choose someone who serves here."), field="user")
    post = (
        Assignment.objects.active()
        .filter(GridNode.subtree_q(node, via="node"), user_id=person.pk)
        .select_related("node")
        .order_by("-node__level", "pk")
        .first()
    )
    if kind not in CertificateKind.values:
        raise DomainError(_("Choose the certificate."), field="kind")
    title = _text(title, "title", 80, required=kind == CertificateKind.OTHER)
    if expires is not None and expires < issued:
        raise DomainError(_("A certificate expires after it is issued."), field="expires")
    if issued > timezone.localdate(_now(now)):
        raise DomainError(_("A certificate is recorded once it is issued."), field="issued")
    return Certificate.objects.create(
        user=person,
        node=post.node if post else node,
        kind=kind,
        title=title,
        issued=issued,
        expires=expires,
        issuer=_text(issuer, "issuer", 80, required=False),
        recorded_by=actor,
        created_at=_now(now),
    )
