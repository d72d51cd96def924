"""Where webhooks may be sent: never to loopback, private, link-local or otherwise
non-public addresses (the server must not become a way into its own network), unless
the setting ``LECTIO_WEBHOOK_ALLOW_PRIVATE`` allows them. The host is resolved when the
endpoint is saved *and* when each delivery is sent, and the connection goes to the very
address that was checked (no second lookup an attacker's DNS could answer differently)."""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeTarget(Exception):
    """The URL cannot be used as a webhook target; the message says why."""


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if settings.LECTIO_WEBHOOK_ALLOW_PRIVATE:
        return not (address.is_multicast or address.is_unspecified)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) for a usable target, else UnsafeTarget."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget(_("This is not a valid URL.")) from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeTarget(_("Use an http:// or https:// URL with a host name."))
    if parts.username or parts.password:
        raise UnsafeTarget(_("Put no user name or password in the URL."))
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeTarget(_("The host name cannot be resolved.")) from exc
    addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found}
    if not addresses:
        raise UnsafeTarget(_("The host name cannot be resolved."))
    refused = sorted(str(a) for a in addresses if not _allowed(a))
    if refused:
        raise UnsafeTarget(
            _(
                "The host resolves to a private, loopback or link-local address (%(address)s); "
                "webhooks are only sent to public addresses."
            )
            % {"address": refused[0]}
        )
    return parts.scheme, parts.hostname, port, str(sorted(addresses, key=str)[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._context)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the host name, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection to the checked address of ``url`` and the request target (path and
    query); UnsafeTarget when the host now resolves somewhere it must not."""
    scheme, host, port, address = check_url(url)
    parts = urlsplit(url.strip())
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    return cls(host, port, address, timeout), target
