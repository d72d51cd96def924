from django.urls import path

from lectio.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
