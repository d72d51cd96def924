from lectio.accounts.models import Department, Group
from tests.helpers import client_for


def test_the_tree_lists_departments_in_order_with_head_counts(cast, django_assert_max_num_queries):
    client = client_for(cast.admin)
    client.get("/accounts/departments/")
    with django_assert_max_num_queries(6):
        response = client.get("/accounts/departments/")
    rows = [(d.code, d.depth, d.people) for d in response.context["departments"]]
    # Depth first, siblings by name: Germany before Türkiye whatever their ids.
    assert rows == [("HQ", 0, 1), ("DE", 1, 2), ("TR", 1, 1), ("TR-IST", 2, 1)]


def test_an_administrator_adds_a_sub_department(cast):
    client = client_for(cast.admin)
    form = client.get(f"/accounts/departments/new/?parent={cast.istanbul.pk}")
    assert form.context["form"].initial["parent"] == str(cast.istanbul.pk)
    response = client.post(
        "/accounts/departments/new/",
        {
            "name": "Night shift",
            "code": "TR-IST-N",
            "parent": cast.istanbul.pk,
            "manager": cast.learner.pk,
        },
    )
    assert response["Location"] == "/accounts/departments/"
    night = Department.objects.get(code="TR-IST-N")
    assert night.path == f"{cast.istanbul.path}{night.pk}/"
    cast.learner.refresh_from_db()
    assert cast.learner.is_manager


def test_an_administrator_moves_a_department(cast):
    response = client_for(cast.admin).post(
        f"/accounts/departments/{cast.istanbul.pk}/edit/",
        {"name": "Istanbul Ops", "code": "TR-IST", "parent": cast.germany.pk},
    )
    assert response.status_code == 302
    cast.istanbul.refresh_from_db()
    assert (cast.istanbul.name, cast.istanbul.parent) == ("Istanbul Ops", cast.germany)
    assert cast.istanbul.path.startswith(cast.germany.path)


def test_a_department_cannot_be_moved_below_itself(cast):
    response = client_for(cast.admin).post(
        f"/accounts/departments/{cast.turkiye.pk}/edit/",
        {"name": "Türkiye", "code": "TR", "parent": cast.istanbul.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    cast.turkiye.refresh_from_db()
    assert cast.turkiye.parent == cast.hq


def test_a_duplicate_code_is_a_field_error(cast):
    response = client_for(cast.admin).post(
        "/accounts/departments/new/", {"name": "X", "code": "TR"}
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_deleting_a_department_with_people_explains_why_not(cast):
    response = client_for(cast.admin).post(
        f"/accounts/departments/{cast.istanbul.pk}/delete/", follow=True
    )
    assert "still has people in it" in response.content.decode()
    assert Department.objects.filter(pk=cast.istanbul.pk).exists()


def test_the_department_export(cast):
    response = client_for(cast.admin).get("/accounts/departments/export.csv")
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == "code,name,parent_code,location,manager_email"
    assert "TR,Türkiye,HQ,,manager@example.com" in text


def test_managers_read_the_tree_but_cannot_change_it(cast):
    client = client_for(cast.manager)
    assert client.get("/accounts/departments/").status_code == 200
    assert (
        client.post(
            f"/accounts/departments/{cast.hq.pk}/edit/", {"name": "Mine", "code": "HQ"}
        ).status_code
        == 403
    )
    assert client.post(f"/accounts/departments/{cast.germany.pk}/delete/").status_code == 403


def test_groups_are_created_and_filled_by_email(cast):
    client = client_for(cast.admin)
    response = client.post(
        "/accounts/groups/new/", {"name": "First aiders", "description": "Trained."}
    )
    group = Group.objects.get(name="First aiders")
    assert response["Location"] == f"/accounts/groups/{group.pk}/"
    client.post(
        f"/accounts/groups/{group.pk}/", {"emails": "Learner@example.com, outsider@example.com"}
    )
    assert set(group.members.values_list("email", flat=True)) == {
        "learner@example.com",
        "outsider@example.com",
    }
    client.post(f"/accounts/groups/{group.pk}/members/{cast.learner.pk}/remove/")
    assert list(group.members.values_list("email", flat=True)) == ["outsider@example.com"]


def test_unknown_addresses_are_named_and_no_one_is_added(cast):
    group = Group.objects.create(name="Drivers")
    response = client_for(cast.admin).post(
        f"/accounts/groups/{group.pk}/", {"emails": "learner@example.com\nghost@example.com"}
    )
    assert "ghost@example.com" in response.content.decode()
    assert not group.members.exists()


def test_group_names_are_unique(cast):
    Group.objects.create(name="Drivers")
    response = client_for(cast.admin).post("/accounts/groups/new/", {"name": "Drivers"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_group_pages_run_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    group = Group.objects.create(name="Drivers")
    group.members.add(cast.learner, cast.outsider, cast.manager)
    client = client_for(cast.admin)
    with django_assert_max_num_queries(8):
        client.get(f"/accounts/groups/{group.pk}/")
    with django_assert_max_num_queries(6):
        client.get("/accounts/groups/")
