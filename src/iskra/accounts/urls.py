from django.urls import path

from iskra.accounts import views, views_security

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.two_factor_verify, name="2fa_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views_security.password_change, name="password_change"),
    path("email/", views_security.email_change, name="email_change"),
    path("email/confirm/<str:token>/", views_security.email_confirm, name="email_confirm"),
    path("two-factor/", views.two_factor_setup, name="2fa_setup"),
    path("two-factor/off/", views.two_factor_disable, name="2fa_disable"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/new/", views.token_created, name="token_created"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
