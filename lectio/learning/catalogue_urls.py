from django.urls import path

from lectio.learning import catalogue as views

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:slug>/", views.course_detail, name="course"),
    path("<slug:slug>/enrol/", views.enrol, name="enrol"),
]
