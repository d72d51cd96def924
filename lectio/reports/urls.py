from django.urls import path

from lectio.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("overdue/", views.overdue, name="overdue"),
    path("compliance.csv", views.export_csv, name="export_csv"),
    path("compliance.xlsx", views.export_xlsx, name="export_xlsx"),
    path("subscriptions/", views.subscribe, name="subscribe"),
    path("subscriptions/<int:pk>/delete/", views.unsubscribe, name="unsubscribe"),
]
