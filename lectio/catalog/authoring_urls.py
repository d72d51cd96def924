from django.urls import path

from lectio.catalog import authoring, path_authoring

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
    path("paths/", path_authoring.path_list, name="paths"),
    path("paths/new/", path_authoring.path_create, name="path_create"),
    path("paths/<int:pk>/", path_authoring.path_edit, name="path"),
    path("paths/<int:pk>/steps/course/", path_authoring.step_add_course, name="step_add_course"),
    path(
        "paths/<int:pk>/steps/elective/",
        path_authoring.step_add_elective,
        name="step_add_elective",
    ),
    path("paths/<int:pk>/publish/", path_authoring.path_publish, name="path_publish"),
    path("paths/<int:pk>/archive/", path_authoring.path_archive, name="path_archive"),
    path("paths/steps/<int:pk>/", path_authoring.step_edit, name="step"),
    path("paths/steps/<int:pk>/remove/", path_authoring.step_remove, name="step_remove"),
    path(
        "paths/steps/<int:pk>/move/<str:direction>/",
        path_authoring.step_move,
        name="step_move",
    ),
]
