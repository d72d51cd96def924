"""Attachments sent as multipart/mixed (xAPI 1.0.3 Part Three 1.5.2) and signed statements
(Part Two 2.6)."""

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from lectio.xapi.models import Attachment, Statement
from tests.xapi.conftest import statement

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
BOUNDARY = "abcABC0123'()+_,-./:=?"


def declared(
    content: bytes, *, usage: str = "https://lectio.test/usage/file", ctype: str = "text/plain"
) -> dict:
    return {
        "usageType": usage,
        "display": {"en-US": "A file"},
        "contentType": ctype,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def multipart(statements, parts, *, hash_override=None, encoding="binary") -> bytes:
    chunks = [
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(statements).encode(),
    ]
    for ctype, content in parts:
        digest = hash_override or hashlib.sha256(content).hexdigest()
        head = f"\r\n--{BOUNDARY}\r\nContent-Type: {ctype}\r\n"
        head += f"Content-Transfer-Encoding: {encoding}\r\n"
        chunks.append(f"{head}X-Experience-API-Hash: {digest}\r\n\r\n".encode())
        chunks.append(content)
    chunks.append(f"\r\n--{BOUNDARY}--".encode())
    return b"".join(chunks)


CTYPE = f'multipart/mixed; boundary="{BOUNDARY}"'


def test_it_stores_attachments_sent_as_multipart_parts(lrs):
    content = b"\x00\x01binary\r\n--not a boundary\r\n"
    body = multipart(
        statement(attachments=[declared(content, ctype="application/octet-stream")]),
        [("application/octet-stream", content)],
    )
    response = lrs.post("statements", body, content_type=CTYPE)
    assert response.status_code == 200, response.content
    assert bytes(Attachment.objects.get().content) == content


def test_it_refuses_a_part_whose_content_does_not_match_its_hash(lrs):
    content = b"hello"
    body = multipart(
        statement(attachments=[declared(content)]),
        [("text/plain", content)],
        hash_override="0" * 64,
    )
    response = lrs.post("statements", body, content_type=CTYPE)
    assert response.status_code == 400
    assert not Statement.objects.exists()


def test_it_refuses_a_part_without_binary_transfer_encoding(lrs):
    content = b"hello"
    body = multipart(
        statement(attachments=[declared(content)]), [("text/plain", content)], encoding="base64"
    )
    assert lrs.post("statements", body, content_type=CTYPE).status_code == 400


def test_it_refuses_a_declared_attachment_without_content_or_file_url(lrs):
    response = lrs.post("statements", statement(attachments=[declared(b"hello")]))
    assert response.status_code == 400
    assert "X-Experience-API-Hash" in response.json()["error"]
    with_url = {**declared(b"hello"), "fileUrl": "https://files.test/hello.txt"}
    assert lrs.post("statements", statement(attachments=[with_url])).status_code == 200


def test_it_refuses_a_part_no_statement_declares(lrs):
    body = multipart(statement(), [("text/plain", b"stray")])
    assert lrs.post("statements", body, content_type=CTYPE).status_code == 400


def test_it_returns_attachments_as_multipart_when_asked(lrs):
    content = b"the certificate"
    sid = lrs.post(
        "statements",
        multipart(statement(attachments=[declared(content)]), [("text/plain", content)]),
        content_type=CTYPE,
    ).json()[0]
    plain = lrs.get("statements", {"statementId": sid})
    assert plain["Content-Type"] == "application/json"
    response = lrs.get("statements", {"statementId": sid, "attachments": "true"})
    assert response["Content-Type"].startswith("multipart/mixed")
    assert hashlib.sha256(content).hexdigest().encode() in response.content
    assert b"Content-Transfer-Encoding: binary" in response.content
    assert content in response.content
    listed = lrs.get("statements", {"attachments": "true"})
    assert content in listed.content


def _key_and_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lectio test signer")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return key, certificate


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload: dict, key, certificate, *, alg="RS256") -> bytes:
    der = certificate.public_bytes(serialization.Encoding.DER)
    header = {"alg": alg, "x5c": [base64.b64encode(der).decode()]}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}".encode()


def signed_request(payload: dict, jws: bytes, *, sent: dict | None = None) -> bytes:
    data = dict(sent or payload)
    data["attachments"] = [declared(jws, usage=SIGNATURE, ctype="application/octet-stream")]
    return multipart(data, [("application/octet-stream", jws)])


def test_it_accepts_a_valid_signed_statement(lrs):
    key, certificate = _key_and_certificate()
    payload = statement()
    response = lrs.post(
        "statements", signed_request(payload, sign(payload, key, certificate)), content_type=CTYPE
    )
    assert response.status_code == 200, response.content


def test_it_refuses_a_signature_whose_payload_differs_from_the_statement(lrs):
    key, certificate = _key_and_certificate()
    payload = statement()
    tampered = statement(verb={"id": "http://adlnet.gov/expapi/verbs/passed"})
    body = signed_request(payload, sign(payload, key, certificate), sent=tampered)
    response = lrs.post("statements", body, content_type=CTYPE)
    assert response.status_code == 400
    assert "does not match the statement" in response.json()["error"]


def test_it_refuses_a_signature_that_does_not_verify_with_its_certificate(lrs):
    _key, certificate = _key_and_certificate()
    other_key, _ = _key_and_certificate()
    payload = statement()
    response = lrs.post(
        "statements",
        signed_request(payload, sign(payload, other_key, certificate)),
        content_type=CTYPE,
    )
    assert response.status_code == 400
    assert "does not verify" in response.json()["error"]


def test_it_refuses_signature_algorithms_other_than_rs256_384_512(lrs):
    key, certificate = _key_and_certificate()
    payload = statement()
    response = lrs.post(
        "statements",
        signed_request(payload, sign(payload, key, certificate, alg="HS256")),
        content_type=CTYPE,
    )
    assert response.status_code == 400
    assert "RS256" in response.json()["error"]


def test_it_refuses_a_signature_that_is_not_a_jws(lrs):
    response = lrs.post("statements", signed_request(statement(), b"not a jws"), content_type=CTYPE)
    assert response.status_code == 400
    assert "compact serialisation" in response.json()["error"]


def test_it_requires_the_content_of_a_sub_statements_attachments_too(lrs):
    sub = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:ada@example.com"},
        "verb": {"id": "https://v.test/x"},
        "object": {"id": "https://lectio.test/a"},
        "attachments": [declared(b"inner")],
    }
    response = lrs.post("statements", statement(object=sub))
    assert response.status_code == 400
    assert "object.attachments[0]" in response.json()["error"]
    body = multipart(statement(object=sub), [("text/plain", b"inner")])
    assert lrs.post("statements", body, content_type=CTYPE).status_code == 200


def test_it_refuses_a_signature_part_that_is_not_octet_stream(lrs):
    key, certificate = _key_and_certificate()
    payload = statement()
    jws = sign(payload, key, certificate)
    data = dict(payload)
    data["attachments"] = [declared(jws, usage=SIGNATURE, ctype="application/octet-stream")]
    body = multipart(data, [("text/plain", jws)])
    response = lrs.post("statements", body, content_type=CTYPE)
    assert response.status_code == 400
    assert "application/octet-stream" in response.json()["error"]
