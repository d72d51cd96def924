"""The Learning Record Store's data: clients, statements (as received, plus indexed
columns for the spec's queries), attachments, documents and activity definitions."""

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCOPES = (
    "statements/write",
    "statements/read",
    "statements/read/mine",
    "state",
    "define",
    "profile",
    "all/read",
    "all",
)
DEFAULT_SCOPES = ["statements/write", "statements/read/mine"]


def hash_secret(secret: str) -> str:
    """Secrets are 256-bit random tokens: a SHA-256 is as safe as a slow hash and cheap."""
    return hashlib.sha256(secret.encode()).hexdigest()


class LRSClient(models.Model):
    """Credentials content and systems use for HTTP Basic on /xapi/ (key:secret).

    A temporary credential (cmi5 ``fetch``) has a ``parent`` and an expiry and speaks with
    its parent's authority, limited to its own scopes and, when set, one actor.
    """

    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="temporary"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    actor = models.JSONField(null=True, blank=True)  # a temporary credential's only actor

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            # Expired temporary credentials are swept by expiry.
            models.Index(fields=["expires_at"], name="lrsclient_expiry"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def authority_client(self) -> "LRSClient":
        return self.parent if self.parent_id and self.parent else self

    def authority(self) -> dict[str, Any]:
        """An Agent with an account on the platform's homepage, one per client."""
        owner = self.authority_client
        return {
            "objectType": "Agent",
            "name": owner.name,
            "account": {"homePage": settings.SITE_URL, "name": owner.key},
        }

    def has_scope(self, *wanted: str) -> bool:
        granted = set(self.scopes or DEFAULT_SCOPES)
        return "all" in granted or bool(granted & set(wanted))


class Statement(models.Model):
    """One statement, stored as the LRS returns it (``data``) plus the query columns.

    ``seq`` (the primary key) is the stable cursor of ``more`` paging; results are ordered
    by ``stored`` then ``seq``.
    """

    seq = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(unique=True)
    data = models.JSONField()
    stored = models.DateTimeField()
    timestamp = models.DateTimeField()
    actor_ifi = models.CharField(max_length=512, blank=True, default="")
    verb_id = models.CharField(max_length=1024)
    object_type = models.CharField(max_length=16)
    object_activity = models.CharField(max_length=1024, blank=True, default="")
    object_ifi = models.CharField(max_length=512, blank=True, default="")
    object_statement = models.UUIDField(null=True, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    voided = models.BooleanField(default=False)
    client = models.ForeignKey(LRSClient, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [
            # GET ?agent=&verb= (newest first)
            models.Index(fields=["actor_ifi", "verb_id", "stored"], name="stmt_actor_verb"),
            models.Index(fields=["object_ifi", "stored"], name="stmt_object_agent"),
            # GET ?activity=&since=
            models.Index(fields=["object_activity", "stored"], name="stmt_activity"),
            models.Index(fields=["registration", "stored"], name="stmt_registration"),
            models.Index(fields=["verb_id", "stored"], name="stmt_verb"),
            # Unfiltered paging and since/until; statements/read/mine by client.
            models.Index(fields=["stored", "seq"], name="stmt_stored"),
            models.Index(fields=["client", "stored"], name="stmt_client"),
            # Statements referring to a voided/matching statement.
            models.Index(fields=["object_statement"], name="stmt_ref"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementLink(models.Model):
    """Every agent and activity a statement mentions, for related_agents/related_activities;
    and the members of a Group actor or object, which the plain ``agent`` filter matches."""

    AGENT, ACTIVITY, MEMBER = "g", "a", "m"
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=1)
    value = models.CharField(max_length=1024)

    class Meta:
        indexes = [models.Index(fields=["kind", "value", "statement"], name="stmtlink_lookup")]

    def __str__(self) -> str:
        return self.value


class Attachment(models.Model):
    """Attachment content, stored once per SHA-2 and shared by statements that cite it."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.sha2


class Activity(models.Model):
    """The canonical definition of an activity, merged from statements (xAPI 2.4.4.1)."""

    activity_id = models.CharField(max_length=1024, unique=True)
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.activity_id


class Document(models.Model):
    """A State, Activity Profile or Agent Profile document (xAPI Part Three, 2.3 to 2.6)."""

    STATE, ACTIVITY_PROFILE, AGENT_PROFILE = "state", "activity", "agent"
    kind = models.CharField(max_length=8)
    activity_id = models.CharField(max_length=1024, blank=True, default="")
    agent_ifi = models.CharField(max_length=512, blank=True, default="")
    registration = models.CharField(max_length=36, blank=True, default="")
    document_id = models.CharField(max_length=512)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=40)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "activity_id", "agent_ifi", "registration", "document_id"],
                name="uniq_xapi_document",
            )
        ]
        indexes = [
            # Listing ids of one activity/agent (since=), deleting all state of one.
            models.Index(
                fields=["kind", "activity_id", "agent_ifi", "registration", "updated"],
                name="xapi_document_list",
            )
        ]

    def __str__(self) -> str:
        return self.document_id


def new_uuid() -> str:
    return str(uuid.uuid4())


class ForwardingEndpoint(models.Model):
    """An external LRS the stored statements are forwarded to by the worker, in batches,
    after a cursor (``stored``, ``seq``) of its own; failures back off exponentially.

    The password is kept as given (HTTP Basic needs it in clear to send)."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(
        _("endpoint"), max_length=500, help_text=_("The LRS's base address, ending in /.")
    )
    username = models.CharField(_("key (user name)"), max_length=255)
    password = models.CharField(_("secret (password)"), max_length=255)
    version = models.CharField(
        _("xAPI version"),
        max_length=8,
        choices=[("1.0.3", "1.0.3"), ("2.0.0", "2.0.0")],
        default="1.0.3",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The last statement delivered, in stored order.
    cursor_stored = models.DateTimeField(null=True, blank=True)
    cursor_seq = models.BigIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)  # consecutive failed batches
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One batch sent (or tried) to an endpoint: the delivery log administrators see."""

    endpoint = models.ForeignKey(
        ForwardingEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    count = models.PositiveIntegerField(_("statements"))
    ok = models.BooleanField(_("delivered"))
    status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-at"], name="xapi_delivery_recent")]

    def __str__(self) -> str:
        return f"{self.endpoint_id}: {self.count} ({'ok' if self.ok else 'failed'})"
