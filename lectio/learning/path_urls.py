from django.urls import path

from lectio.learning import path_views as views

app_name = "programmes"

urlpatterns = [
    path("<slug:slug>/", views.path_detail, name="path"),
    path("<slug:slug>/enrol/", views.path_enrol, name="enrol"),
    path(
        "<slug:slug>/electives/<int:course_id>/enrol/",
        views.elective_enrol,
        name="elective_enrol",
    ),
    path("<slug:slug>/enrolments/", views.path_enrolments, name="enrolments"),
]
