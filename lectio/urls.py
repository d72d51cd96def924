from django.contrib import admin
from django.urls import include, path

from lectio import benchmarking, views
from lectio.api import scim
from lectio.api.v1.api import urlpatterns as api_v1_patterns
from lectio.certificates.urls import verify_patterns

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("bench/baseline", benchmarking.baseline, name="bench_baseline"),
    path("accounts/", include("lectio.accounts.urls")),
    path("learn/", include("lectio.learning.urls")),
    path("courses/", include("lectio.learning.catalogue_urls")),
    path("programmes/", include("lectio.learning.path_urls")),
    path("author/", include("lectio.catalog.authoring_urls")),
    path("media/", include("lectio.assets.urls")),
    path("assignments/", include("lectio.assignments.urls")),
    path("assessments/", include("lectio.assessments.urls")),
    path("reports/", include("lectio.reports.urls")),
    path("certificates/", include("lectio.certificates.urls")),
    path("verify/", include(verify_patterns)),
    path("scorm/", include("lectio.scorm.urls")),
    path("notifications/", include("lectio.notifications.urls")),
    path("xapi/", include("lectio.xapi.urls")),
    path("api/v1/", include((api_v1_patterns(), "api-v1"))),
    path("api/", include("lectio.api.urls")),
    path("scim/v2/", include((scim.urlpatterns, "scim"))),
    path("admin/", admin.site.urls),
]
