from django.urls import path

from lectio.catalog import authoring

app_name = "authoring"

urlpatterns = [
    path("", authoring.home, name="home"),
    path("courses/new/", authoring.course_create, name="course_create"),
    path("courses/<int:pk>/", authoring.course_edit, name="course"),
    path("courses/<int:pk>/modules/new/", authoring.module_add, name="module_add"),
    path("courses/<int:pk>/publish/", authoring.publish, name="publish"),
    path("courses/<int:pk>/preview/", authoring.preview, name="preview"),
    path("courses/<int:pk>/archive/", authoring.archive, name="archive"),
    path("modules/<int:pk>/rename/", authoring.module_rename, name="module_rename"),
    path("modules/<int:pk>/remove/", authoring.module_remove, name="module_remove"),
    path("modules/<int:pk>/move/<str:direction>/", authoring.module_move, name="module_move"),
    path("modules/<int:pk>/lessons/new/", authoring.lesson_add, name="lesson_add"),
    path("lessons/<int:pk>/", authoring.lesson_edit, name="lesson"),
    path("lessons/<int:pk>/remove/", authoring.lesson_remove, name="lesson_remove"),
    path(
        "lessons/<int:pk>/languages/<str:language>/remove/",
        authoring.lesson_variant_remove,
        name="lesson_variant_remove",
    ),
    path("lessons/<int:pk>/move/<str:direction>/", authoring.lesson_move, name="lesson_move"),
]
