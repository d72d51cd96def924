import pytest

from lectio.accounts import permissions, services
from lectio.accounts.models import User
from tests.helpers import client_for


def test_administrators_see_everyone(cast):
    assert User.objects.visible_to(cast.admin).count() == User.objects.count()


def test_managers_see_their_subtree_and_themselves(cast):
    visible = set(User.objects.visible_to(cast.manager).values_list("email", flat=True))
    assert visible == {"manager@example.com", "learner@example.com"}


def test_learners_see_only_themselves(cast):
    assert list(User.objects.visible_to(cast.learner)) == [cast.learner]


def test_deactivated_people_see_no_one(cast):
    services.deactivate_person(cast.admin)
    assert not User.objects.visible_to(cast.admin).exists()
    assert not permissions.can_manage_people(cast.admin)


def test_can_view_person(cast):
    assert permissions.can_view_person(cast.manager, cast.learner)
    assert not permissions.can_view_person(cast.manager, cast.outsider)
    assert permissions.can_view_person(cast.learner, cast.learner)
    assert not permissions.can_view_person(cast.learner, cast.manager)
    assert permissions.can_view_person(cast.admin, cast.outsider)


def test_the_instructor_role_does_not_open_people_administration(cast):
    assert permissions.is_instructor(cast.instructor)
    assert not permissions.can_view_people(cast.instructor)


ADMIN_ONLY = [
    ("get", "/accounts/people/new/"),
    ("get", "/accounts/groups/"),
    ("get", "/accounts/import/"),
    ("get", "/accounts/departments/new/"),
]


@pytest.mark.parametrize(("method", "url"), ADMIN_ONLY)
def test_it_refuses_administration_to_managers_and_learners(cast, method, url):
    for user in (cast.manager, cast.learner, cast.instructor):
        assert getattr(client_for(user), method)(url).status_code == 403


def test_learners_cannot_open_the_people_list(cast):
    assert client_for(cast.learner).get("/accounts/people/").status_code == 403


def test_a_manager_cannot_open_someone_outside_their_team(cast):
    client = client_for(cast.manager)
    assert client.get(f"/accounts/people/{cast.learner.pk}/").status_code == 200
    assert client.get(f"/accounts/people/{cast.outsider.pk}/").status_code == 404


def test_a_manager_cannot_edit_or_deactivate_their_team(cast):
    client = client_for(cast.manager)
    assert client.get(f"/accounts/people/{cast.learner.pk}/edit/").status_code == 403
    assert client.post(f"/accounts/people/{cast.learner.pk}/deactivate/").status_code == 403
    cast.learner.refresh_from_db()
    assert cast.learner.is_active


def test_state_changes_need_post(cast):
    response = client_for(cast.admin).get(f"/accounts/people/{cast.learner.pk}/deactivate/")
    assert response.status_code == 405


@pytest.mark.parametrize(
    "url", ["/learn/", "/accounts/people/", "/accounts/profile/", "/accounts/departments/", "/"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


def test_django_admin_follows_the_administrator_role(cast):
    assert client_for(cast.admin).get("/admin/").status_code == 200
    assert client_for(cast.manager).get("/admin/").status_code == 302
