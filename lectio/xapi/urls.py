from django.urls import path

from lectio.xapi import admin_views, views

app_name = "xapi"

urlpatterns = [
    path("about", views.about, name="about"),
    path("statements", views.statements, name="statements"),
    path("activities/state", views.state, name="state"),
    path("activities/profile", views.activity_profile, name="activity_profile"),
    path("activities", views.activities, name="activities"),
    path("agents/profile", views.agent_profile, name="agent_profile"),
    path("agents", views.agents, name="agents"),
    path("clients/", admin_views.client_list, name="client_list"),
    path("clients/<int:pk>/toggle/", admin_views.client_toggle, name="client_toggle"),
    path("forwarding/", admin_views.forwarding, name="forwarding"),
    path("forwarding/<int:pk>/toggle/", admin_views.endpoint_toggle, name="endpoint_toggle"),
]
