"""The caller's own notices (the bell), newest first, each in the caller's language; a notice
about a case they may no longer see no longer names it. Anyone else's notice is 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from gridgov import notify
from gridgov.api.views import ApiView
from gridgov.models import ApiClient, Notice
from staff import access


def _visible(user, notice: Notice) -> bool:
    return notice.case is None or access.can(user, "case.view", notice.case)


class NoticeSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=gettext_lazy("The notice's id."))
    kind = serializers.CharField(
        source="message.kind",
        read_only=True,
        help_text=gettext_lazy("What happened, as a word (case_reported, county_called, …)."),
    )
    text = serializers.SerializerMethodField(
        help_text=gettext_lazy("What the notice says, in your language.")
    )
    case = serializers.SerializerMethodField(
        help_text=gettext_lazy("The case it is about (its id), or null.")
    )
    created_at = serializers.DateTimeField(read_only=True, help_text=gettext_lazy("When."))
    read_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=gettext_lazy("When it was read, or null.")
    )

    class Meta:
        model = Notice
        fields = ("id", "kind", "text", "case", "created_at", "read_at")

    def _shown(self, notice) -> bool:
        return _visible(self.context["request"].user, notice)

    def get_text(self, notice) -> str:
        if not self._shown(notice):
            return _("A notice about a case you no longer follow.")
        return notify.text_for(notice.message, self.context.get("names"))

    def get_case(self, notice) -> int | None:
        return notice.case_id if notice.case_id and self._shown(notice) else None


def _notices(user):
    return Notice.objects.filter(user=user).select_related("message", "case__node")


def _same_case(notices) -> None:
    for notice in notices:
        if notice.message.case_id == notice.case_id:
            notice.message.case = notice.case  # the same row: read once


class NoticeList(ApiView):
    endpoint = ApiClient.Endpoint.NOTICES
    serializer_class = NoticeSerializer

    @extend_schema(
        operation_id="notices_list",
        responses=NoticeSerializer(many=True),
        summary=gettext_lazy("Your notices"),
        parameters=[
            OpenApiParameter(
                "unread", bool, description=str(gettext_lazy("true: only those not read yet."))
            )
        ],
        tags=["notices"],
    )
    def get(self, request):
        notices = _notices(request.user)
        if (request.query_params.get("unread") or "").lower() in ("1", "true", "yes", "on"):
            notices = notices.filter(read_at__isnull=True)
        page = self.paginate_queryset(notices)
        _same_case(page)
        context = {"request": request, "names": notify.node_names([n.message for n in page])}
        return self.get_paginated_response(NoticeSerializer(page, many=True, context=context).data)


class NoticeDetail(ApiView):
    endpoint = ApiClient.Endpoint.NOTICES
    serializer_class = NoticeSerializer

    @extend_schema(
        operation_id="notices_retrieve", summary=gettext_lazy("A notice"), tags=["notices"]
    )
    def get(self, request, notice_id: int):
        notice = get_object_or_404(_notices(request.user), pk=notice_id)
        _same_case([notice])
        return Response(NoticeSerializer(notice, context={"request": request}).data)


class NoticeRead(ApiView):
    endpoint = ApiClient.Endpoint.NOTICES
    serializer_class = NoticeSerializer

    @extend_schema(
        operation_id="notices_read",
        summary=gettext_lazy("Mark a notice read"),
        request=None,
        responses={200: NoticeSerializer},
        tags=["notices"],
    )
    def post(self, request, notice_id: int):
        notice = get_object_or_404(_notices(request.user), pk=notice_id)
        if notice.read_at is None:
            Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
            notice.refresh_from_db(fields=["read_at"])
        _same_case([notice])
        return Response(NoticeSerializer(notice, context={"request": request}).data)
