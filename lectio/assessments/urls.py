from django.urls import path

from lectio.assessments import attempt_views, grading_views, views

app_name = "assessments"
urlpatterns = [
    path("", views.bank, name="bank"),
    path("categories/<int:pk>/", views.category, name="category"),
    path("categories/<int:pk>/export/", views.export, name="export"),
    path("categories/<int:pk>/new/", views.new_question, name="new_question"),
    path("questions/<int:pk>/", views.question, name="question"),
    path("questions/<int:pk>/edit/", views.edit_question, name="edit_question"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("quiz/<slug:slug>/<int:lesson_id>/", attempt_views.quiz, name="quiz"),
    path("attempts/<int:pk>/", attempt_views.attempt, name="attempt"),
    path("attempts/<int:pk>/save/", attempt_views.save, name="save"),
    path("attempts/<int:pk>/submit/", attempt_views.submit, name="submit"),
    path("attempts/<int:pk>/result/", attempt_views.result, name="result"),
    path("grading/", grading_views.queue, name="grading"),
    path("grading/<int:pk>/", grading_views.grade, name="grade"),
]
