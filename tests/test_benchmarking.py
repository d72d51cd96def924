"""The benchmark suite's hooks in the server (lectio/benchmarking.py): off by default."""

from django.test import Client
from django.urls import reverse

from lectio.benchmarking import QUERY_HEADER, QueryCountMiddleware
from tests.helpers import client_for


def test_it_hides_the_baseline_unless_the_bench_setting_is_on(db, settings):
    settings.LECTIO_BENCH = False
    assert Client().get(reverse("bench_baseline")).status_code == 404


def test_it_answers_the_baseline_without_the_database(db, settings, django_assert_num_queries):
    settings.LECTIO_BENCH = True
    with django_assert_num_queries(0):
        response = Client().get(reverse("bench_baseline"))
    assert response.status_code == 200 and response.content == b"ok"
    assert Client().post(reverse("bench_baseline")).status_code == 405


def test_it_counts_the_queries_of_a_request_in_a_header(cast, settings):
    settings.MIDDLEWARE = ["lectio.benchmarking.QueryCountMiddleware", *settings.MIDDLEWARE]
    response = client_for(cast.learner).get(reverse("learning:dashboard"))
    assert response.status_code == 200
    assert int(response[QUERY_HEADER]) >= 2  # the session and the person, at least
    assert QueryCountMiddleware  # installed only when LECTIO_BENCH is on (settings.py)


def test_it_is_not_installed_by_default(settings):
    assert "lectio.benchmarking.QueryCountMiddleware" not in settings.MIDDLEWARE
