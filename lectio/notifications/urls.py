from django.urls import path

from lectio.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.message_detail, name="message"),
    path("<int:pk>/retry/", views.message_retry, name="retry"),
    path("test/", views.test_email, name="test_email"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
