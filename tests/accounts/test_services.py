import pytest
from django.core.exceptions import ValidationError

from lectio.accounts import services
from lectio.accounts.models import Role, User


def test_create_person_normalises_the_email_address(db):
    user = services.create_person(email="  Ann.Smith@Example.COM ", full_name="Ann Smith")
    assert user.email == "ann.smith@example.com"
    assert User.objects.get_by_natural_key("ANN.SMITH@example.com") == user


def test_a_person_without_a_password_cannot_sign_in_until_they_set_one(db):
    user = services.create_person(email="new@example.com", full_name="New Person")
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_zone", "Mars/Olympus_Mons"), ("language", "xx"), ("email", "not-an-address")],
)
def test_it_rejects_bad_values_and_saves_nothing(db, field, value):
    fields = {"email": "ok@example.com", "full_name": "Ok", field: value}
    with pytest.raises(ValidationError) as error:
        services.create_person(**fields)
    assert field in error.value.message_dict
    assert not User.objects.exists()


def test_it_rejects_a_duplicate_address_in_any_case(cast):
    with pytest.raises(ValidationError):
        services.create_person(email="LEARNER@example.com", full_name="Copy")


def test_employee_ids_are_unique_but_may_be_empty(db):
    services.create_person(email="a@example.com", full_name="A", employee_id="E1")
    services.create_person(email="b@example.com", full_name="B")
    services.create_person(email="c@example.com", full_name="C")
    with pytest.raises(ValidationError):
        services.create_person(email="d@example.com", full_name="D", employee_id="E1")


def test_roles_are_added_to_being_a_learner(db):
    user = services.create_person(
        email="i@example.com", full_name="I", roles=[Role.INSTRUCTOR, Role.MANAGER]
    )
    assert user.roles == [Role.INSTRUCTOR, Role.MANAGER, Role.LEARNER]
    services.update_person(user, roles=[])
    user.refresh_from_db()
    assert user.roles == [Role.LEARNER]


def test_update_person_changes_only_what_is_given(cast):
    services.update_person(cast.learner, job_title="Shift lead", time_zone="Europe/Berlin")
    cast.learner.refresh_from_db()
    assert (cast.learner.job_title, cast.learner.time_zone) == ("Shift lead", "Europe/Berlin")
    assert cast.learner.department == cast.istanbul


def test_update_person_refuses_unknown_fields(cast):
    with pytest.raises(TypeError):
        services.update_person(cast.learner, is_administrator=True)


def test_deactivation_keeps_the_person_and_stamps_the_time(cast):
    services.deactivate_person(cast.learner)
    cast.learner.refresh_from_db()
    assert not cast.learner.is_active
    assert cast.learner.deactivated_at is not None
    services.reactivate_person(cast.learner)
    cast.learner.refresh_from_db()
    assert cast.learner.is_active and cast.learner.deactivated_at is None


def test_set_preferences_validates_before_changing_anything(cast):
    with pytest.raises(ValidationError) as error:
        services.set_preferences(cast.learner, language="tr", time_zone="Nowhere/Land")
    assert set(error.value.message_dict) == {"time_zone"}
    assert (cast.learner.language, cast.learner.time_zone) == ("en", "Europe/Istanbul")
    cast.learner.refresh_from_db()
    assert cast.learner.language == "en"


def test_groups_gather_people_across_departments(cast):
    group = services.save_group(None, name="First aiders")
    services.add_group_members(group, [cast.learner, cast.outsider])
    assert set(group.members.all()) == {cast.learner, cast.outsider}
    services.remove_group_members(group, [cast.learner])
    assert list(group.members.all()) == [cast.outsider]
