"""Real identity providers the SSO tests run on 127.0.0.1.

- ``OidcProvider``: the django-oauth-toolkit project in ``tests/idp/``, started as a
  subprocess with its own SQLite database and a freshly generated RSA signing key.
- ``SamlProvider``: a pysaml2 IdP as a small WSGI app (HTTP-Redirect in, an HTML form
  with the signed response out), served from a thread, with its own key and certificate.

The tests drive the whole redirect flow: Lectio through the Django test client, the
provider through ``requests``, the way a browser carries the messages between them.
"""

import base64
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

ROOT = Path(__file__).resolve().parents[2]
LECTIO = "http://testserver"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_key(path: Path) -> rsa.RSAPrivateKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return key


def make_certificate(key: rsa.RSAPrivateKey, path: Path, name: str) -> None:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


# ---- OpenID Connect ---------------------------------------------------------------------


@dataclass
class OidcProvider:
    folder: Path
    port: int
    process: subprocess.Popen[str]
    client_id: str = "lectio"
    client_secret: str = "lectio-secret-for-tests"
    people: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_claims(self, claims: dict[str, dict[str, Any]]) -> None:
        (self.folder / "claims.json").write_text(json.dumps(claims))

    def name_audience(self, audience: str | None) -> None:
        """Make ID tokens name another audience (or the client again, ``None``)."""
        override = self.folder / "aud-override.txt"
        if audience is None:
            override.unlink(missing_ok=True)
        else:
            override.write_text(audience)

    def publish_other_keys(self, on: bool) -> None:
        """Publish another key under the id of the one the provider signs with (or go
        back to its own)."""
        override = self.folder / "jwks-override.json"
        if not on:
            override.unlink(missing_ok=True)
            return
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
        numbers = other.public_numbers()

        def b64(number: int) -> str:
            raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        # Same key id as the real key, other key material: the signature cannot match.
        [real] = requests.get(f"{self.url}/o/.well-known/jwks.json", timeout=10).json()["keys"]
        jwk = {**real, "n": b64(numbers.n), "e": b64(numbers.e)}
        override.write_text(json.dumps({"keys": [jwk]}))

    def provider_setting(self, key: str = "corp", **extra: Any) -> dict[str, Any]:
        return {
            "key": key,
            "protocol": "oidc",
            "label": "Corp ID",
            "issuer": f"{self.url}/o",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            **extra,
        }


def start_oidc_provider(
    folder: Path, people: dict[str, str], lectio_url: str = LECTIO
) -> OidcProvider:
    make_key(folder / "key.pem")
    (folder / "claims.json").write_text("{}")
    port = free_port()
    environment = {
        **os.environ,
        "IDP_DIR": str(folder),
        "IDP_PORT": str(port),
        "IDP_PEOPLE": json.dumps(people),
        "IDP_CLIENT_ID": "lectio",
        "IDP_CLIENT_SECRET": "lectio-secret-for-tests",
        "IDP_REDIRECT_URI": f"{lectio_url}/accounts/sso/corp/callback/",
        "DJANGO_SETTINGS_MODULE": "tests.idp.settings",
    }
    environment.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.idp.serve"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.kill()
        raise RuntimeError(f"the test OIDC provider did not start: {line!r}")
    return OidcProvider(folder, port, process, people=people)


# ---- SAML 2.0 ---------------------------------------------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class SamlProvider:
    """A pysaml2 IdP. People sign in with HTTP Basic (``requests``' ``auth=``); their
    attributes are ``self.attributes[username]``. ``audience`` and ``sign`` let a test
    make a response for another SP or without a signature."""

    def __init__(self, folder: Path, people: dict[str, str], host: str = "127.0.0.1") -> None:
        self.folder = folder
        self.people = people
        self.attributes: dict[str, dict[str, list[str]]] = {}
        self.audience: str | None = None
        self.sign = True
        self.port = free_port()
        # Served on 127.0.0.1 always; ``host`` is the name in its addresses (a browser
        # test names it "localhost", the live server's site).
        self.url = f"http://{host}:{self.port}"
        self.entity_id = f"{self.url}/metadata"
        key = make_key(folder / "idp-key.pem")
        make_certificate(key, folder / "idp-cert.pem", "Test IdP")
        self.server = Server(config=self._config(None))
        self.metadata_file = folder / "idp-metadata.xml"
        self.metadata_file.write_text(
            create_metadata_string(None, config=self.server.config, valid=None).decode()
        )
        self.httpd: WSGIServer = make_server("127.0.0.1", self.port, self.app, handler_class=_Quiet)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _config(self, sp_metadata: str | None) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "key_file": str(self.folder / "idp-key.pem"),
                "cert_file": str(self.folder / "idp-cert.pem"),
                "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
                "service": {
                    "idp": {
                        "name": "Test IdP",
                        "endpoints": {
                            "single_sign_on_service": [(f"{self.url}/sso", BINDING_HTTP_REDIRECT)]
                        },
                        "policy": {"default": {"lifetime": {"minutes": 5}}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
            }
        )
        return config

    def trust(self, sp_metadata: str) -> None:
        """Register Lectio's SP metadata (as an IdP administrator would)."""
        self.server = Server(config=self._config(sp_metadata))

    def provider_setting(self, key: str = "acme", **extra: Any) -> dict[str, Any]:
        return {
            "key": key,
            "protocol": "saml",
            "label": "Acme SAML",
            "idp_metadata_file": str(self.metadata_file),
            **extra,
        }

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        username = password = ""
        if authorization.startswith("Basic "):
            username, _sep, password = base64.b64decode(authorization[6:]).decode().partition(":")
        if not username or self.people.get(username) != password:
            start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="idp"')])
            return [b"sign in"]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        if self.audience:
            args["sp_entity_id"] = self.audience
        response = self.server.create_authn_response(
            self.attributes.get(username, {}),
            userid=username,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"id-{username}"),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_assertion=self.sign,
            **args,
        )
        http = self.server.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], "", response=True
        )
        body = http["data"].encode() if isinstance(http["data"], str) else http["data"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body]


def form_fields(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the IdP's auto-posting form."""
    action = re.search(r'action="([^"]+)"', html)
    assert action, html
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', html))
    return urlsplit(action.group(1)).path, fields
