from django.urls import path

from lectio.learning import enrolments, lessons, views

app_name = "learning"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/<slug:slug>/lessons/<int:pk>/", lessons.lesson, name="lesson"),
    path("courses/<slug:slug>/lessons/<int:pk>/complete/", lessons.complete, name="complete"),
    path("lessons/<int:pk>/progress/", lessons.progress, name="progress"),
    path("courses/<slug:slug>/enrolments/", enrolments.course_enrolments, name="enrolments"),
    path("enrolments/<int:pk>/access/", enrolments.enrolment_access, name="enrolment_access"),
]
