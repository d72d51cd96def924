from django.contrib import admin
from django.urls import include, path

from lectio import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("lectio.accounts.urls")),
    path("learn/", include("lectio.learning.urls")),
    path("courses/", include("lectio.learning.catalogue_urls")),
    path("author/", include("lectio.catalog.authoring_urls")),
    path("media/", include("lectio.assets.urls")),
    path("notifications/", include("lectio.notifications.urls")),
    path("admin/", admin.site.urls),
]
