"""The OpenAPI description's shared parts: the problem shape on every operation's error
answers, the language and Idempotency-Key headers, and how the two kinds of callers prove
who they are."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from gridgov.api import idempotency
from gridgov.api.errors import NON_FIELD, PROBLEM_TYPE, PROBLEMS, problem_type


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: every error the API answers."""

    type = serializers.ChoiceField(
        choices=[problem_type(code) for code in PROBLEMS],
        help_text=_("What kind of problem this is (docs/api.md lists them)."),
    )
    title = serializers.CharField(help_text=_("The kind of problem in words, in your language."))
    status = serializers.IntegerField(help_text=_("The HTTP status of this answer."))
    detail = serializers.CharField(
        allow_blank=True, help_text=_("What went wrong here, in your language.")
    )
    instance = serializers.CharField(help_text=_("The path that was asked for."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Messages by request field; “%(none)s” holds those about no one field.")
        % {"none": NON_FIELD},
    )


# What each id in an address points at.
PATH_IDS = {
    "case_id": _("The case's id."),
    "node_id": _("The node's id."),
    "call_id": _("The county call's id."),
    "notice_id": _("The notice's id (one of yours)."),
}

_SUCCESS = {
    "200": _("The answer."),
    "201": _("Made: the new row, its address in the Location header."),
}

# Which errors an operation can answer, beside its own success answers.
_ALWAYS = (401, 403, 429)
_WITH_INPUT = (400, 422)


class ApiSchema(AutoSchema):
    def get_override_parameters(self):
        params = [
            OpenApiParameter(
                "Accept-Language",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description=str(
                    _("The language of texts and errors: zh-hans (the default) or en.")
                ),
                enum=["zh-hans", "en"],
            )
        ]
        if self.method == "POST":
            params.append(
                OpenApiParameter(
                    idempotency.HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=str(
                        _(
                            "Any 1 to 200 visible ASCII characters that you choose per write; a "
                            "retry with the same key and body gets the first answer again."
                        )
                    ),
                )
            )
        for name, words in PATH_IDS.items():
            if "{" + name + "}" in self.path:
                params.append(
                    OpenApiParameter(name, int, OpenApiParameter.PATH, description=str(words))
                )
        return [*params, *super().get_override_parameters()]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = set(_ALWAYS)
        if self.method == "POST":
            codes |= {*_WITH_INPUT, 404, 409}
        if self.method == "GET":
            codes |= {404}
            if self._is_list_view():
                codes |= {422}
        for code in sorted(codes):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    ProblemSerializer, str(code), media_types=[PROBLEM_TYPE], direction=direction
                )
        for code, answer in responses.items():
            if not answer.get("description"):
                answer["description"] = str(
                    _SUCCESS.get(code) or PROBLEMS.get(int(code), ("", ""))[1]
                )
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "gridgov.api.auth.ApiKeyAuthentication"
    name = ["bearerAuth", "apiKeyAuth"]

    def get_security_requirement(self, auto_schema):
        return [{"bearerAuth": []}, {"apiKeyAuth": []}]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": str(_("An API client's key: Authorization: Bearer gg_…")),
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Api-Key",
                "description": str(_("The same key in the X-Api-Key header.")),
            },
        ]


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "gridgov.api.auth.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        from django.conf import settings

        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": str(
                _("A person signed in on the pages; writes also need the X-CSRFToken header.")
            ),
        }
