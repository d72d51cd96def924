from django.urls import path

from lectio.assets import views

app_name = "assets"

urlpatterns = [
    path("uploads/", views.upload_start, name="upload_start"),
    path("uploads/<uuid:key>/", views.upload_chunk, name="upload"),
    path("lessons/<int:pk>/", views.lesson_media, name="lesson_media"),
    path("lessons/<int:pk>/captions/", views.lesson_captions, name="lesson_captions"),
    path("captions/<int:pk>/remove/", views.caption_remove, name="caption_remove"),
    path("courses/<int:pk>/cover/", views.course_cover, name="course_cover"),
    path("covers/<uuid:key>.jpg", views.cover, name="cover"),
    path("<uuid:key>/status/", views.asset_status, name="status"),
    path("<uuid:key>/retry/", views.asset_retry, name="retry"),
    path("<uuid:key>/<str:token>/<path:path>", views.deliver, name="deliver"),
]
