from django.urls import path

from lectio.scorm import views

app_name = "scorm"

urlpatterns = [
    # Site origin: the author's panel and the learner's launch page.
    path("lessons/<int:pk>/package/", views.lesson_package, name="lesson_package"),
    path("courses/<slug:slug>/lessons/<int:pk>/", views.launch, name="launch"),
    path(
        "courses/<slug:slug>/lessons/<int:pk>/au/<int:index>/",
        views.cmi5_launch,
        name="cmi5_launch",
    ),
    path(
        "courses/<slug:slug>/lessons/<int:pk>/au/play/<uuid:session>/",
        views.cmi5_play,
        name="cmi5_play",
    ),
    path(
        "courses/<slug:slug>/lessons/<int:pk>/au/return/",
        views.cmi5_return,
        name="cmi5_return",
    ),
    # The author's preview of a SCORM package (browse mode).
    path("lessons/<int:pk>/package/preview/", views.package_preview, name="package_preview"),
    # The author's preview of a cmi5 AU (launch mode Browse).
    path(
        "lessons/<int:pk>/package/au/<int:index>/preview/",
        views.cmi5_preview,
        name="cmi5_preview",
    ),
    path(
        "lessons/<int:pk>/package/preview/<uuid:session>/",
        views.cmi5_preview_play,
        name="cmi5_preview_play",
    ),
    path(
        "lessons/<int:pk>/package/preview/return/",
        views.cmi5_preview_return,
        name="cmi5_preview_return",
    ),
    # Content origin only (ContentOriginMiddleware): authorised by the token.
    path("c/<str:token>/player/", views.player, name="player"),
    path("c/<str:token>/session/", views.session, name="session"),
    path("c/<str:token>/commit/", views.commit, name="commit"),
    path("c/<str:token>/files/<path:path>", views.file, name="file"),
    path("c/<str:token>/fetch/<str:session>/", views.cmi5_fetch, name="cmi5_fetch"),
]
