from django.urls import path

from lectio.assessments import (
    analytics_views,
    attempt_views,
    grading_views,
    image_views,
    views,
)

app_name = "assessments"
urlpatterns = [
    path("", views.bank, name="bank"),
    path("categories/<int:pk>/", views.category, name="category"),
    path("categories/<int:pk>/export/", views.export, name="export"),
    path("categories/<int:pk>/new/", views.new_question, name="new_question"),
    path("questions/<int:pk>/", views.question, name="question"),
    path("questions/<int:pk>/edit/", views.edit_question, name="edit_question"),
    path("import/", views.import_upload, name="import"),
    path("images/", image_views.pictures, name="pictures"),
    path("images/<uuid:key>/", image_views.image, name="image"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("quiz/<slug:slug>/<int:lesson_id>/", attempt_views.quiz, name="quiz"),
    path("attempts/<int:pk>/", attempt_views.attempt, name="attempt"),
    path("attempts/<int:pk>/save/", attempt_views.save, name="save"),
    path("attempts/<int:pk>/submit/", attempt_views.submit, name="submit"),
    path("attempts/<int:pk>/result/", attempt_views.result, name="result"),
    path("grading/", grading_views.queue, name="grading"),
    path("grading/<int:pk>/", grading_views.grade, name="grade"),
    path("lessons/<int:lesson_id>/analytics/", analytics_views.quiz_analytics, name="analytics"),
    path(
        "lessons/<int:lesson_id>/questions/<int:question_id>/regrade/",
        analytics_views.regrade,
        name="regrade",
    ),
    path("attempts/<int:pk>/review/", analytics_views.attempt_review, name="attempt_review"),
    path("answers/<int:pk>/override/", analytics_views.override, name="override"),
]
