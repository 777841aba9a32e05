"""The notification outbox: written in the same transaction as the change that causes it, so a
notice is never lost and never sent for a change that was rolled back. Delivery is the rhythms'
work (a task reads pending rows)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox",
        verbose_name=_("case"),
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # Same key, same notice: a retried or doubled action cannot queue it twice.
    # Unique by outbox_dedupe_unique (no pattern-matching index beside it on PostgreSQL); NULL
    # when a message needs no key, so that many may have none.
    dedupe_key = models.CharField(  # noqa: DJ001
        max_length=200, null=True, blank=True, verbose_name=_("dedupe key")
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="outbox_dedupe_unique")]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Notice(models.Model):
    """An in-app notice for one person (the bell on the desk and the phone pages)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("person"),
    )
    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("outbox message"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("case"),
    )
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "message"], name="notice_once_per_person")
        ]
        indexes = [
            models.Index(
                fields=["user"], name="notice_unread", condition=models.Q(read_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return self.text


# The group robots' own addresses. Anything else (a county's intranet gateway) is the operator's
# choice in GRIDGOV_ROBOT_EXTRA_HOSTS: a town admin must not make the server call an inside
# address (Redis, the database, a router) and read what answers.
ROBOT_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com")
_DEFAULT_PORTS = {"https": 443, "http": 80}


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an address, or None when it is not a plain http(s) address."""
    if any(c <= " " or c == "\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower().rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    return scheme, host, port or _DEFAULT_PORTS[scheme]


def robot_url_allowed(url: str) -> bool:
    """Whether the server may post to this address: a known robot over https, or an extra host."""
    origin = _origin(url)
    if origin is None:
        return False
    if origin[0] == "https" and origin[2] == 443 and origin[1] in ROBOT_HOSTS:
        return True
    # An extra host is "host[:port]" (https) or a whole origin such as "http://10.2.0.8:8080".
    extras = (e if "://" in e else f"https://{e}" for e in settings.GRIDGOV_ROBOT_EXTRA_HOSTS)
    return origin in {_origin(e) for e in extras}


def validate_robot_url(value: str) -> None:
    if not robot_url_allowed(value):
        raise ValidationError(
            _(
                "Use the https address of a WeCom (qyapi.weixin.qq.com) or DingTalk "
                "(oapi.dingtalk.com) group robot."
            ),
            code="robot_host",
        )


class WebhookEndpoint(models.Model):
    """A town's group robot (企业微信 / 钉钉 style JSON POST) that hears the town's notices."""

    class Style(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("town"), on_delete=models.CASCADE, related_name="webhooks"
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500, validators=[validate_robot_url])
    style = models.CharField(_("style"), max_length=10, choices=Style.choices, default=Style.WECOM)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return self.name

    @property
    def access_node(self):
        return self.town


class Delivery(models.Model):
    """One message on one outside channel (email, a group robot, a text message to the
    resident who reported the case, a signed message to the 12345 hotline the case came
    from), retried with backoff."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Group robot")
        SMS = "sms", _("Text message")
        HOTLINE = "hotline", _("12345 hotline")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed for good")

    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("outbox message"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(_("to"), max_length=300)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("group robot"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "channel", "target"], name="delivery_once_per_target"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_pending",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.target}"


# --- Other systems on the API (/api/v1/) -----------------------------------------------------


class ApiClient(models.Model):
    """Another system that calls the API with a key (the 12345 hotline, the county's platform).

    It acts as its own service person, who holds exactly the grants (node, role) named here and
    can never log in: so every access check treats the client like a person with those posts.
    Only a hash of the key is kept; the key itself is shown once, when made or rotated."""

    class Endpoint(models.TextChoices):
        TREE = "tree", _("The tree (read)")
        REFERENCE = "reference", _("Categories and the responsibility list (read)")
        CASES_READ = "cases.read", _("Cases (read)")
        CASES_REPORT = "cases.report", _("Report cases")
        CASES_ACT = "cases.act", _("Case actions")
        CALLS = "calls", _("County calls")
        KPIS = "kpis", _("Figures (KPIs)")
        NOTICES = "notices", _("The client's notices")
        HOTLINE = "hotline", _("The 12345 hotline's work orders")
        OPEN311 = "open311", _("Open311 GeoReport v2 requests")

    name = models.CharField(_("name"), max_length=100)
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("covers"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The client acts on this node and everything below it."),
    )
    unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a department's or outpost's system: the unit it works for."),
    )
    roles = models.JSONField(_("roles"), default=list)
    endpoints = models.JSONField(_("endpoints"), default=list)
    key_prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("acts as"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("key rotated at"), null=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, editable=False)
    request_count = models.PositiveBigIntegerField(_("requests"), default=0, editable=False)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def access_node(self):
        return self.node

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an Idempotency-Key, kept so that a retry with the
    same key and body gets that answer again instead of doing the work twice. One row per
    person (an API client's service person for a client) and key: the unique constraint is
    what makes two concurrent retries do the work once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    key = models.CharField(_("key"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status"))
    body = models.JSONField(_("body"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    location = models.CharField(_("location"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_once_per_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
