from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from lectio.accounts import hr_views, sso_views, views
from lectio.accounts.forms import InvitationPasswordResetForm, SignInForm

app_name = "accounts"

urlpatterns = [
    path(
        "sign-in/",
        sso_views.SignInView.as_view(
            template_name="accounts/sign_in.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=InvitationPasswordResetForm,
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("sso/<str:key>/", sso_views.sso_start, name="sso_start"),
    path("sso/<str:key>/callback/", sso_views.sso_callback, name="sso_callback"),
    path("sso/<str:key>/acs/", sso_views.sso_acs, name="sso_acs"),
    path("sso/<str:key>/metadata/", sso_views.sso_metadata, name="sso_metadata"),
    path("hr-sync/", hr_views.run_list, name="hr_sync_runs"),
    path("hr-sync/<int:pk>/", hr_views.run_detail, name="hr_sync_run"),
    path("language/", views.switch_language, name="language"),
    path("profile/", views.profile, name="profile"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/export.csv", views.people_export, name="people_export"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path("departments/", views.department_list, name="departments"),
    path("departments/new/", views.department_edit, name="department_create"),
    path("departments/export.csv", views.department_export, name="departments_export"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/delete/", views.department_delete, name="department_delete"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_edit, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path(
        "groups/<int:pk>/members/<int:user_pk>/remove/",
        views.group_remove_member,
        name="group_remove_member",
    ),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
]
