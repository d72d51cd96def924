import pytest
from django.core.exceptions import ValidationError

from lectio.accounts import services
from lectio.accounts.models import Department, User
from lectio.trees import in_tree_order


def _chain(depth: int) -> list[Department]:
    chain = [services.create_department(name="Level 0", code="L0")]
    for level in range(1, depth):
        chain.append(
            services.create_department(name=f"Level {level}", code=f"L{level}", parent=chain[-1])
        )
    return chain


def test_it_stores_the_path_of_primary_keys(db):
    root, child, grandchild = _chain(3)
    assert root.path == f"/{root.pk}/"
    assert grandchild.path == f"/{root.pk}/{child.pk}/{grandchild.pk}/"
    assert [root.depth, child.depth, grandchild.depth] == [0, 1, 2]
    assert grandchild.ancestor_ids() == [root.pk, child.pk]


def test_subtree_is_one_query_at_any_depth(db, django_assert_num_queries):
    chain = _chain(12)
    services.create_department(name="Elsewhere", code="X")
    with django_assert_num_queries(1):
        codes = sorted(chain[3].subtree().values_list("code", flat=True))
    assert codes == sorted(f"L{level}" for level in range(3, 12))


def test_subtree_does_not_mistake_a_longer_id_for_a_child(db):
    # "/1/" must not match "/12/": the trailing slash keeps prefixes honest.
    departments = [services.create_department(name=f"D{i}", code=f"D{i}") for i in range(12)]
    first = departments[0]
    assert list(first.subtree()) == [first]


def test_people_in_departments_includes_every_level_below(cast):
    in_turkiye = set(
        User.objects.in_departments(cast.turkiye.subtree()).values_list("email", flat=True)
    )
    assert in_turkiye == {"manager@example.com", "learner@example.com"}


def test_moving_a_department_re_roots_its_whole_subtree(cast):
    sub = services.create_department(name="Night shift", code="TR-IST-N", parent=cast.istanbul)
    services.move_department(cast.istanbul, cast.germany)
    cast.istanbul.refresh_from_db()
    sub.refresh_from_db()
    assert cast.istanbul.parent == cast.germany
    assert cast.istanbul.path == f"{cast.germany.path}{cast.istanbul.pk}/"
    assert sub.path == f"{cast.istanbul.path}{sub.pk}/"
    assert (cast.istanbul.depth, sub.depth) == (2, 3)
    assert cast.learner in User.objects.in_departments(
        Department.objects.filter(pk=cast.germany.pk)
    )


def test_moving_to_the_top_level(cast):
    services.move_department(cast.istanbul, None)
    cast.istanbul.refresh_from_db()
    assert cast.istanbul.path == f"/{cast.istanbul.pk}/"
    assert cast.istanbul.depth == 0


def test_it_refuses_to_move_a_department_under_its_own_subtree(cast):
    with pytest.raises(ValidationError):
        services.move_department(cast.turkiye, cast.istanbul)
    cast.turkiye.refresh_from_db()
    assert cast.turkiye.parent == cast.hq


def test_it_deletes_only_empty_departments(cast):
    with pytest.raises(ValidationError, match="sub-departments"):
        services.delete_department(cast.turkiye)
    with pytest.raises(ValidationError, match="people"):
        services.delete_department(cast.istanbul)
    empty = services.create_department(name="Empty", code="EMPTY", parent=cast.hq)
    services.delete_department(empty)
    assert not Department.objects.filter(code="EMPTY").exists()


def test_a_department_manager_gets_the_manager_role(cast):
    services.set_department_manager(cast.germany, cast.outsider)
    cast.outsider.refresh_from_db()
    assert cast.outsider.is_manager


def test_codes_are_unique(cast):
    with pytest.raises(ValidationError):
        services.create_department(name="Again", code="HQ")


def test_tree_order_is_depth_first_with_siblings_by_name(db):
    root = services.create_department(name="Root", code="R")
    zulu = services.create_department(name="Zulu", code="Z", parent=root)
    alpha = services.create_department(name="alpha", code="A", parent=root)
    under_zulu = services.create_department(name="Beta", code="ZB", parent=zulu)
    ordered = in_tree_order(Department.objects.all())
    assert [d.code for d in ordered] == ["R", "A", "Z", "ZB"]
    assert under_zulu in ordered and alpha in ordered
