"""The 12345 hotline's work orders (工单): an order comes in and becomes a case in the right
town's intake; the hotline urges it (催办) and calls the caller back (回访); a town asks the
hotline to take back an order that is not its own (退单) and the hotline decides. Signing for
an order and resolving it tell the hotline from the case actions themselves (cases/hotline/
outgoing.py). Each hotline's settings: its webhook, signing secret and response time.

A 12345 order is not the town's to refuse or fold into another case: the hotline answers to
its caller for it. So it is never rejected or merged (the table does not offer it); the town
asks the hotline to take it back, with the reason, and the hotline says yes or no."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import workflow
from cases.actions._common import _apply, _locked, _notify, _now, _rating, _text
from cases.actions.intake import case_report
from cases.hotline import outgoing
from cases.hotline.adapter import OrderIn
from cases.hotline.routing import landing
from cases.models import Case, Category, HotlineConfig, HotlineOrder, Source
from cases.models.case import DESCRIPTION_CHARS
from gridgov.api.clients import may_manage_client
from gridgov.errors import DomainError
from gridgov.language import in_site_language
from gridgov.models import ApiClient
from staff import access

R = HotlineOrder.Return


def _category(text: str) -> Category | None:
    """The category the hotline's words name: the whole text, or its last part (“城乡建设/路灯”)."""
    if not text:
        return None
    names = [text, text.replace("／", "/").rsplit("/", 1)[-1].strip()]
    return Category.objects.filter(name__in=names).order_by("pk").first()


def _description(order: OrderIn, *, unknown_code: bool) -> str:
    lines = [
        in_site_language(
            gettext_lazy("12345 hotline order %(number)s"),
            number=order.order_no,
        )
    ]
    if order.category_text:
        lines.append(
            in_site_language(
                gettext_lazy("The hotline's category: %(category)s"),
                category=order.category_text,
            )
        )
    if order.due_at:
        lines.append(
            in_site_language(
                gettext_lazy("The hotline's deadline: %(deadline)s"),
                deadline=timezone.localtime(order.due_at).strftime("%Y-%m-%d %H:%M"),
            )
        )
    if unknown_code:
        lines.append(
            in_site_language(
                gettext_lazy("The town code %(code)s names no place here."), code=order.town_code
            )
        )
    tail = "\n\n" + "\n".join(lines)
    content = order.content
    room = DESCRIPTION_CHARS - len(tail)
    if len(content) > room:  # the whole order stays at the hotline, under its number
        content = content[: room - 1] + "…"
    return content + tail


def _title(order: OrderIn) -> str:
    if order.title:
        return order.title[:200]
    first = next((s.strip() for s in order.content.splitlines() if s.strip()), "")
    return (f"{order.category_text}：{first}" if order.category_text else first)[:200]


@transaction.atomic
def hotline_order_receive(
    *, actor, client_id: int, order: OrderIn, photos=(), now: dt.datetime | None = None
) -> tuple[HotlineOrder, bool]:
    """一访二报 from the hotline: the order becomes a reported case (source hotline) in the
    intake of the place it names, or at the top of the hotline's area when it names none
    there. A number the hotline has sent before answers with the case it made (False), never a
    second case; two pushes racing with one number meet on the database's constraint."""
    now = _now(now)
    client = ApiClient.objects.select_related("node").get(pk=client_id)
    existing = HotlineOrder.objects.filter(client=client, order_no=order.order_no).first()
    if existing is not None:
        return existing, False
    config = HotlineConfig.objects.filter(client=client).first()
    hours = config.hours if config else settings.GRIDGOV_HOTLINE_RESPONSE_HOURS
    place = landing(client.node, town_code=order.town_code, address=order.address)
    category = _category(order.category_text)
    try:
        with transaction.atomic():
            case = case_report(
                actor=actor,
                node_id=place.node.pk,
                title=_title(order),
                description=_description(
                    order, unknown_code=bool(order.town_code) and place.how != "code"
                ),
                source=Source.HOTLINE,
                category_id=category.pk if category else None,
                emergency=order.emergency,
                reporter_name=order.caller_name or _("12345 caller"),
                reporter_phone=order.caller_phone,
                location=order.address[:200],
                photos=photos,
                now=now,
            )
            made = HotlineOrder.objects.create(
                client=client,
                order_no=order.order_no,
                case=case,
                category_text=order.category_text[:100],
                received_at=now,
                due_at=order.due_at,
                respond_by=now + dt.timedelta(hours=hours),
            )
    except IntegrityError:
        existing = HotlineOrder.objects.filter(client=client, order_no=order.order_no).first()
        if existing is None:
            raise
        return existing, False
    return made, True


def _order(case: Case) -> HotlineOrder:
    order = HotlineOrder.objects.select_for_update().filter(case_id=case.pk).first()
    if order is None:
        raise DomainError(_("This case did not come from the 12345 hotline."))
    order.case = case
    return order


def _fits(case: Case, action: str) -> None:
    """The table's guard for a hotline action: the case's status, and that the row fits it."""
    workflow.require_transition(case.status, action)
    if not workflow.ACTIONS[action].fits_case(case):
        raise DomainError(
            _("“%(action)s” does not fit this order as it stands.")
            % {"action": workflow.ACTIONS[action].label}
        )


@transaction.atomic
def hotline_urge(*, actor, case_id: int, note: str = "", now=None) -> Case:
    """催办: the caller chases the order through the hotline; recorded in the history, and a
    notice to whoever handles it and to the town."""
    now = _now(now)
    case = _locked(actor, "case.supervise", case_id)
    order = _order(case)
    _fits(case, "hotline_urge")
    order.urge_count += 1
    order.last_urged_at = now
    order.save(update_fields=["urge_count", "last_urged_at"])
    note = (note or "").strip()[:2000]
    _apply(case, "hotline_urge", actor=actor, now=now, event={"note": note})
    _notify("hotline_urged", case, note=note)
    return case


@transaction.atomic
def hotline_callback(
    *, actor, case_id: int, result: str, satisfaction, note: str = "", now=None
) -> Case:
    """回访: the hotline called the caller back about the reply. The verdict is kept with the
    order (the hotline's 满意率) and is the case's rating (1 to 5, once), as if the resident
    had rated it; an unhappy caller is told to whoever handles the case and its level."""
    now = _now(now)
    case = _locked(actor, "case.rate", case_id)
    order = _order(case)
    _fits(case, "hotline_callback")
    if result not in HotlineOrder.Verdict.values:
        raise DomainError(_("Unknown call-back result."), field="result")
    rating = _rating(satisfaction)
    order.verdict, order.called_back_at = result, now
    order.save(update_fields=["verdict", "called_back_at"])
    fields = []
    if case.satisfaction is None:
        case.satisfaction, case.rated_at = rating, now
        fields = ["satisfaction", "rated_at"]
    words = HotlineOrder.Verdict(result).label
    text = f"{words}（{rating}/5）" + (f"\n{note.strip()[:1000]}" if (note or "").strip() else "")
    _apply(case, "hotline_callback", *fields, actor=actor, now=now, event={"note": text})
    if not order.satisfied:
        _notify("hotline_unsatisfied", case, note=note)
    return case


@transaction.atomic
def hotline_return_request(*, actor, case_id: int, reason: str, now=None) -> Case:
    """退单: the town finds an order is not its own and asks the hotline to take it back,
    saying why; the request goes to the hotline, the case waits for its answer."""
    now = _now(now)
    case = _locked(actor, "case.reject", case_id)
    order = _order(case)
    _fits(case, "hotline_return")
    reason = _text(reason, _("the reason"), limit=2000)
    order.return_state, order.return_reason, order.return_answer = R.REQUESTED, reason, ""
    order.return_requested_at, order.return_decided_at = now, None
    order.save(
        update_fields=[
            "return_state",
            "return_reason",
            "return_answer",
            "return_requested_at",
            "return_decided_at",
        ]
    )
    _apply(case, "hotline_return", actor=actor, now=now, event={"note": reason})
    outgoing.return_requested(order, now=now)
    return case


@transaction.atomic
def hotline_return_decide(*, actor, case_id: int, accepted: bool, note: str = "", now=None) -> Case:
    """The hotline's answer to a request to take an order back. Taken back: the case leaves
    gridgov's work (rejected, with the town's reason as its result). Refused: it stays with
    the town, which must work it; the town hears either way."""
    now = _now(now)
    case = _locked(actor, "case.reject", case_id)
    order = _order(case)
    action = "hotline_return_accepted" if accepted else "hotline_return_refused"
    _fits(case, action)
    note = (note or "").strip()[:2000]
    order.return_state = R.ACCEPTED if accepted else R.REFUSED
    order.return_answer, order.return_decided_at = note, now
    order.save(update_fields=["return_state", "return_answer", "return_decided_at"])
    fields = []
    if accepted:
        case.result = order.return_reason
        fields = ["result"]
    _apply(case, action, *fields, actor=actor, now=now, event={"note": note})
    _notify(action, case)
    return case


# ---------------------------------------------------------------- a hotline's settings


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _require_managing(actor, client: ApiClient) -> None:
    if actor is None:
        return
    access.require(actor, "assignment.change", client)
    if not may_manage_client(actor, client):
        raise PermissionDenied


@transaction.atomic
def hotline_config_save(
    *,
    actor,
    client_id: int,
    webhook_url: str,
    response_hours: int | None = None,
    active: bool = True,
    secret: str = "",
    now=None,
) -> tuple[HotlineConfig, str]:
    """Make or change a hotline's settings (whoever may manage its API client). The signing
    secret is the one given (agreed with the hotline), or on first saving a new one; it is
    returned once, for the admin to show, and empty when it did not change."""
    now = _now(now)
    client = ApiClient.objects.select_related("node").filter(pk=client_id).first()
    if client is None:
        raise Http404("No such client.")
    _require_managing(actor, client)
    if client.revoked_at is not None:
        raise DomainError(_("This API client is revoked."), field="client")
    if ApiClient.Endpoint.HOTLINE not in (client.endpoints or ()):
        raise DomainError(
            _("Give the API client the 12345 hotline's endpoint first."), field="client"
        )
    secret = (secret or "").strip()
    if secret and len(secret) < 32:
        raise DomainError(_("A signing secret is at least 32 characters."), field="secret")
    config = HotlineConfig.objects.select_for_update().filter(client=client).first()
    if config is None:
        config = HotlineConfig(client=client)
        secret = secret or _new_secret()
    config.webhook_url, config.response_hours, config.active = (
        webhook_url,
        response_hours,
        active,
    )
    if secret:
        config.secret, config.secret_set_at = secret, now
    config.full_clean(exclude=["client"])
    config.save()
    return config, secret


@transaction.atomic
def hotline_secret_rotate(*, actor, config_id: int, now=None) -> str:
    """A new signing secret, returned once; messages sent from now on are signed with it."""
    config = HotlineConfig.objects.select_for_update().select_related("client").get(pk=config_id)
    _require_managing(actor, config.client)
    config.secret, config.secret_set_at = _new_secret(), _now(now)
    config.save(update_fields=["secret", "secret_set_at"])
    return config.secret


__all__ = [
    "hotline_callback",
    "hotline_config_save",
    "hotline_order_receive",
    "hotline_return_decide",
    "hotline_return_request",
    "hotline_secret_rotate",
    "hotline_urge",
]
