"""Signed statements (xAPI 1.0.3 Part Two, 2.6): a JWS (compact serialisation) sent as an
attachment with usageType .../attachments/signature.

Rules checked: the JWS parses; its algorithm is RS256, RS384 or RS512; its payload is the
statement (ignoring what the LRS adds: id when absent from the payload, authority,
stored, version, and the signature attachment itself); when the header carries an
``x5c`` certificate chain, the signature verifies with the first certificate's key.
"""

import base64
import binascii
import json
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from lectio.xapi.validation import SIGNATURE, StatementError

ALGORITHMS: dict[str, type[hashes.HashAlgorithm]] = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _comparable(data: dict[str, Any], *, keep_id: bool) -> dict[str, Any]:
    result = {k: v for k, v in data.items() if k not in ("authority", "stored", "version")}
    if not keep_id:
        result.pop("id", None)
    attachments = [a for a in result.get("attachments", []) if a.get("usageType") != SIGNATURE]
    result.pop("attachments", None)
    if attachments:
        result["attachments"] = attachments
    return result


def verify(statement: dict[str, Any], jws: bytes, path: str) -> None:
    try:
        header_b64, payload_b64, signature_b64 = jws.decode("ascii").strip().split(".")
        header = json.loads(_b64url(header_b64))
        payload = json.loads(_b64url(payload_b64))
        signature = _b64url(signature_b64)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise StatementError(path, "the signature is not a JWS in compact serialisation") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise StatementError(path, "the JWS header and payload must be JSON objects")
    algorithm = ALGORITHMS.get(header.get("alg", ""))
    if algorithm is None:
        raise StatementError(path, "the JWS algorithm must be RS256, RS384 or RS512")
    keep_id = "id" in payload
    if _comparable(payload, keep_id=keep_id) != _comparable(statement, keep_id=keep_id):
        raise StatementError(path, "the JWS payload does not match the statement")
    chain = header.get("x5c")
    if chain is None:
        return
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
    except (ValueError, TypeError, IndexError, KeyError, binascii.Error) as exc:
        raise StatementError(path, "the JWS x5c certificate cannot be read") from exc
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise StatementError(path, "the x5c certificate must hold an RSA key")
    try:
        key.verify(
            signature,
            f"{header_b64}.{payload_b64}".encode("ascii"),
            padding.PKCS1v15(),
            algorithm(),
        )
    except InvalidSignature as exc:
        raise StatementError(path, "the JWS signature does not verify with its x5c key") from exc
