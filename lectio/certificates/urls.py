from django.urls import path

from lectio.certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("all/", views.certificate_list, name="list"),
    path("<str:code>.pdf", views.certificate_pdf, name="pdf"),
    path("<str:code>/", views.certificate_detail, name="detail"),
    path("<str:code>/revoke/", views.certificate_revoke, name="revoke"),
    path("<str:code>/reissue/", views.certificate_reissue, name="reissue"),
]

# Public, outside the app's prefix: /verify/ and /verify/<code>/.
verify_patterns = (
    [
        path("", views.verify_form, name="form"),
        path("<str:code>/", views.verify, name="verify"),
    ],
    "verify",
)
