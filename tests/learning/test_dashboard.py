from tests.helpers import client_for


def test_the_dashboard_greets_the_learner_with_empty_sections(cast):
    response = client_for(cast.learner).get("/learn/")
    html = response.content.decode()
    assert "Welcome, Leyla" in html
    assert "Nothing is assigned to you right now." in html
    assert "Times are shown in Europe/Istanbul." in html


def test_the_dashboard_is_translated(cast):
    html = client_for(cast.manager).get("/learn/").content.decode()
    assert '<html lang="tr">' in html
    assert "Eğitimlerim" in html


def test_navigation_follows_roles(cast):
    learner = client_for(cast.learner).get("/learn/").content.decode()
    manager = client_for(cast.manager).get("/learn/").content.decode()
    admin = client_for(cast.admin).get("/learn/").content.decode()
    assert 'href="/accounts/people/"' not in learner
    assert 'href="/accounts/people/"' in manager and 'href="/accounts/import/"' not in manager
    assert 'href="/accounts/import/"' in admin


def test_the_dashboard_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    client = client_for(cast.learner)
    with django_assert_max_num_queries(4):
        assert client.get("/learn/").status_code == 200


def test_every_page_sends_a_content_security_policy(cast):
    response = client_for(cast.learner).get("/learn/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_htmx_requests_carry_the_csrf_token(cast):
    html = client_for(cast.learner).get("/learn/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "/static/vendor/htmx/htmx.min.js" in html
