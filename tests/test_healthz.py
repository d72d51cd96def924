import pytest
from django.db import DatabaseError, connection


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_answers_503_when_the_database_fails(client, db):
    def broken(execute, sql, params, many, context):
        raise DatabaseError("connection refused")

    with connection.execute_wrapper(broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_allows_reading(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
