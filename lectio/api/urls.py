from django.urls import path

from lectio.api import views

app_name = "api"

urlpatterns = [
    path("tokens/", views.my_tokens, name="tokens"),
    path("tokens/all/", views.all_tokens, name="all_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook, name="webhook"),
    path("webhooks/<int:pk>/rotate/", views.rotate_secret, name="rotate_secret"),
    path("webhooks/<int:pk>/delete/", views.delete_webhook, name="delete_webhook"),
    path("webhooks/deliveries/<int:pk>/", views.delivery, name="delivery"),
    path("webhooks/deliveries/<int:pk>/redeliver/", views.redeliver, name="redeliver"),
]
