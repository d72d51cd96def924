from django.urls import path

from lectio.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:slug>/", views.course_detail, name="course"),
    path("<slug:slug>/enrol/", views.enrol, name="enrol"),
]
