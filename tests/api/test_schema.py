"""A schemathesis run against the OpenAPI document: generated requests (valid and not)
to every operation, with an administrator's token. No 5xx, and every response matches
the document (status codes, content types, bodies). Bounded: a few examples each."""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lectio.api.v1.api import api
from lectio.wsgi import application
from tests.helpers import make_course

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The document as served at /api/v1/openapi.json (test_docs checks they are the same).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = application  # requests go to the WSGI application in this process


@pytest.fixture
def admin_token(cast, token_for):
    course = make_course(cast.instructor)
    admin = token_for(cast.admin)
    admin.post("/enrollments", {"person": cast.learner.pk, "course": course.pk})
    return admin.headers["Authorization"]


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_the_api_keeps_its_openapi_promises(case, admin_token, settings_for_schema):
    case.call_and_validate(headers={"Authorization": admin_token}, checks=CHECKS)


@pytest.fixture
def settings_for_schema(settings):
    settings.LECTIO_API_RATE_LIMIT = 100_000
    settings.ALLOWED_HOSTS = ["*"]
    # As Django's test client does: the test's transaction outlives each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
