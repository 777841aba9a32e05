"""POST requests: a resident's report relayed by another system (a county app, a mini-program),
made a case through the residents' own intake (cases.actions.case_report_by_resident: a public
category, a phone unless the town allows anonymous reports, so many a day per phone, no second
copy within the hour), in the place the key's area and the location tell (cases.open311.places).

The key is an API client's with the Open311 endpoint; the case is the resident's (source
resident, no staff actor), in the town's intake like one sent from the grid's page. What has no
place in a case is not kept: email, device_id and account_id (account_id is echoed back). A
media_url is not fetched: its address is kept in the description, for staff to open.

An `Idempotency-Key` header (a UUID) makes the POST safe to retry: the same key gets the first
report's answer, and is the token GET tokens/{token} answers."""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import actions
from cases.actions.public import DuplicateReport
from cases.models import Case
from cases.open311 import door, params, places, render, services
from cases.open311.render import Refusal
from cases.public.report import normalised_phone
from gridgov.errors import field_errors
from gridgov.language import in_site_language
from grids.models import GridNode, Tier

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
TOKEN_HEADER = "Idempotency-Key"
_SUBMISSION_PREFIX = "o311-"
# The spec bounds a description at 4,000 characters; Case columns bound the rest.
DESCRIPTION_CHARS = 4000
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# The names of the intake's fields as the caller sent them.
_ARGUMENTS = {
    "reporter_phone": "phone",
    "reporter_name": "first_name",
    "category": "service_code",
    "location": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "description": "description",
}
# Kept in the site's language: staff read it. Its words count in the duplicate guard's
# comparison of texts, so they are few.
_MEDIA = gettext_lazy("Media link (not opened): %(url)s")


def submission_id(token: uuid.UUID, client_id: int) -> str:
    """The case's submission id for one client's token: the token's 32 hex digits, marked as
    Open311's, and the client's number. Two clients that happen to send the same key make two
    cases, and neither is answered with the other's."""
    return f"{token_prefix(token)}{client_id}"


def token_prefix(token: uuid.UUID) -> str:
    """What the submission ids of a token begin with, whichever client sent it."""
    return f"{_SUBMISSION_PREFIX}{token.hex}-"


def parse_token(value: str) -> uuid.UUID | None:
    """A UUID in any of its usual spellings; None for anything else."""
    try:
        return uuid.UUID((value or "").strip()[:60])
    except ValueError:
        return None


def _token(request) -> uuid.UUID | None:
    value = request.headers.get(TOKEN_HEADER, "")
    if not value.strip():
        return None
    token = parse_token(value)
    if token is None:
        raise Refusal(
            400,
            _(
                "An Idempotency-Key here is a UUID that you make for each report, such as "
                "0f8fad5b-d9cb-469f-a165-70867728950e."
            ),
        )
    return token


def _name(first: str, last: str) -> str:
    """As the name is written: family name first in Chinese, given name first otherwise."""
    if _CJK.search(first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def _media_url(data) -> str:
    url = params.text(data, "media_url", limit=2000)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise Refusal(400, _("media_url is not an http or https address.")) from None
    return url


def _description(text: str, media_url: str) -> str:
    parts = [text] if text else []
    if media_url:
        parts.append(in_site_language(_MEDIA, url=media_url))
    return "\n\n".join(parts)


def county_of(node: GridNode) -> GridNode:
    return GridNode.objects.ancestors(node).get(tier=Tier.COUNTY)


def _answer(request, case: Case, fmt: str, account_id: str):
    track = request.build_absolute_uri(
        reverse("public_track", kwargs={"tracking_code": case.tracking_code})
    )
    notice = _(
        "The town's governance centre takes it in and sorts it out; the resident follows it with "
        "the code %(code)s at %(url)s."
    ) % {"code": case.tracking_code, "url": track}
    body = [
        {
            "service_request_id": case.tracking_code,
            "service_notice": notice,
            "account_id": account_id or None,
        }
    ]
    return render.answer("service_requests", body, fmt)


def _refusal(exc: ValidationError) -> Refusal:
    descriptions = []
    for field, messages in field_errors(exc).items():
        name = _ARGUMENTS.get(field, "")
        descriptions += [f"{name}: {m}" if name else m for m in messages]
    return Refusal(400, *descriptions)


def _fields(request):
    """The body's fields, and the query's where the body has none (jurisdiction_id, api_key)."""
    data = request.GET.copy()
    for name, values in request.POST.lists():
        data.setlist(name, values)
    return data


def post(request, fmt: str):
    media = (request.content_type or "").split(";")[0].strip().lower()
    if media not in FORM_TYPES:
        raise Refusal(
            400,
            _(
                "Send the fields form-encoded (application/x-www-form-urlencoded), as the "
                "spec says."
            ),
        )
    client = door.caller(request, required=True)
    data = _fields(request)
    area = client.node
    county = params.jurisdiction(data, implied=county_of(area))
    if not county.contains(area):
        raise Refusal(403, _("This api_key does not serve that jurisdiction."))
    category = services.public_category(params.given(data, "service_code"))
    lat, long = params.coordinates(data)
    address_id = params.text(data, "address_id", limit=100)
    address = params.text(data, "address_string", limit=200)
    if lat is None and not address_id and not address:
        raise Refusal(400, _("A location is needed: lat and long, address_string or address_id."))
    node = places.place_for(
        county=county, area=area, lat=lat, long=long, address_id=address_id, address=address
    )
    text = params.text(data, "description", limit=DESCRIPTION_CHARS)
    media_url = _media_url(data)
    name = _name(
        params.text(data, "first_name", limit=50), params.text(data, "last_name", limit=50)
    )
    if len(name) > 50:
        raise Refusal(400, _("first_name and last_name together are longer than 50 characters."))
    typed_phone = params.text(data, "phone", limit=30)
    phone = normalised_phone(typed_phone) if typed_phone else ""
    if phone is None:
        message = _("Give a mobile number (11 digits) or a landline with its area code.")
        raise Refusal(400, f"phone: {message}")
    account_id = params.text(data, "account_id", limit=100)
    token = _token(request)
    if token is not None:
        earlier = Case.objects.filter(submission_id=submission_id(token, client.pk)).first()
        if earlier is not None:
            return _answer(request, earlier, fmt, account_id)
    try:
        case = actions.case_report_by_resident(
            node_id=node.pk,
            category_id=category.pk,
            description=_description(text, media_url),
            reporter_name=name,
            reporter_phone=phone,
            location=address,
            latitude=lat,
            longitude=long,
            submission_id=submission_id(token, client.pk) if token is not None else None,
        )
    except DuplicateReport as exc:
        raise Refusal(400, exc.message) from None
    except ValidationError as exc:
        raise _refusal(exc) from None
    except Http404:
        raise Refusal(404, _("That place does not take residents' reports.")) from None
    except IntegrityError:
        # Two copies of one keyed report raced: the other one made the case.
        earlier = (
            Case.objects.filter(submission_id=submission_id(token, client.pk)).first()
            if token
            else None
        )
        if earlier is None:
            raise
        return _answer(request, earlier, fmt, account_id)
    return _answer(request, case, fmt, account_id)
