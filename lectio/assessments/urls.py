from django.urls import path

from lectio.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.bank, name="bank"),
    path("categories/<int:pk>/", views.category, name="category"),
    path("categories/<int:pk>/export/", views.export, name="export"),
    path("questions/<int:pk>/", views.question, name="question"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
]
