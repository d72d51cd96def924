from django.urls import path

from lectio.learning import analytics, enrolments, evidence, lessons, transcript, views

app_name = "learning"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("transcript/", transcript.transcript, name="transcript"),
    path("transcript.csv", transcript.transcript_csv, name="transcript_csv"),
    path("transcript.pdf", transcript.transcript_pdf, name="transcript_pdf"),
    path("courses/<slug:slug>/lessons/<int:pk>/", lessons.lesson, name="lesson"),
    path("courses/<slug:slug>/lessons/<int:pk>/complete/", lessons.complete, name="complete"),
    path("courses/<slug:slug>/lessons/<int:pk>/attest/", lessons.attest, name="attest"),
    path("lessons/<int:pk>/progress/", lessons.progress, name="progress"),
    path("lessons/<int:pk>/analytics/", analytics.lesson_analytics, name="lesson_analytics"),
    path("courses/<slug:slug>/enrolments/", enrolments.course_enrolments, name="enrolments"),
    path(
        "courses/<slug:slug>/attestations/",
        evidence.course_attestations,
        name="attestations",
    ),
    path(
        "courses/<slug:slug>/attestations.csv",
        evidence.course_attestations_csv,
        name="attestations_csv",
    ),
    path("enrolments/<int:pk>/access/", enrolments.enrolment_access, name="enrolment_access"),
]
