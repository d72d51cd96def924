from django.urls import path

from lectio.assignments import calendar, views

app_name = "assignments"

urlpatterns = [
    path("", views.assignment_list, name="list"),
    path("new/", views.assignment_new, name="new"),
    path("<int:pk>/", views.assignment_detail, name="detail"),
    path("<int:pk>/end/", views.assignment_end, name="end"),
    path("obligations/<int:pk>/", views.obligation_detail, name="obligation"),
    path("team/", views.team_matrix, name="team"),
    path("people/<int:pk>/", views.person_obligations, name="person"),
    path("audit/", views.audit, name="audit"),
    path("calendar/", calendar.my_calendar, name="calendar"),
    path("calendar/reset/", calendar.reset_calendar, name="calendar_reset"),
    path("calendar/<str:token>.ics", calendar.feed, name="feed"),
]
