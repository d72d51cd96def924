"""Pages whose query count must not grow with the data (the list pages have their own)."""

from lectio.accounts import services as accounts
from lectio.assets.models import Asset, Caption
from lectio.catalog import services as catalog
from lectio.learning import services as learning
from lectio.learning.models import AccessChange
from tests.helpers import client_for, make_course


def _grows_not(client, url, grow, django_assert_max_num_queries, limit):
    client.get(url)
    with django_assert_max_num_queries(limit) as few:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_authors_lesson_page_and_media_panel(cast, django_assert_max_num_queries):
    course = make_course(cast.instructor, pages=1, publish=False)
    video = catalog.add_lesson(course.modules.get(), title="V", kind_name="video")
    asset = Asset.objects.create(
        course=course, kind="video", original_name="v.mp4", size=1, status="ready"
    )
    catalog.update_lesson(video, content={"asset": str(asset.key)})
    client = client_for(cast.instructor)

    def grow():
        for n in range(10):
            catalog.add_lesson(course.modules.get(), title=f"More {n}", kind_name="page")
        for language in ("en", "tr"):
            Caption.objects.create(asset=asset, language=language, file=f"x/{language}.vtt")

    _grows_not(client, f"/author/lessons/{video.pk}/", grow, django_assert_max_num_queries, 10)
    _grows_not(
        client, f"/media/lessons/{video.pk}/", lambda: None, django_assert_max_num_queries, 10
    )


def test_the_access_change_page(cast, django_assert_max_num_queries):
    course = make_course(cast.instructor)
    enrollment = learning.enroll(cast.learner, course, source="self")

    def grow():
        for n in range(10):
            AccessChange.objects.create(
                enrollment=enrollment, changed_by=cast.admin, reason=f"r{n}"
            )

    _grows_not(
        client_for(cast.admin),
        f"/learn/enrolments/{enrollment.pk}/access/",
        grow,
        django_assert_max_num_queries,
        8,
    )


def test_profile_and_import_pages(cast, django_assert_max_num_queries):
    added = iter(range(1000))

    def grow():
        for _ in range(15):
            n = next(added)
            accounts.create_person(email=f"x{n}@example.com", full_name=f"X {n}")

    _grows_not(
        client_for(cast.learner), "/accounts/profile/", grow, django_assert_max_num_queries, 6
    )
    _grows_not(client_for(cast.admin), "/accounts/import/", grow, django_assert_max_num_queries, 6)
