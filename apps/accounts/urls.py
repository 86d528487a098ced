from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("signup", views.SignupView.as_view(), name="auth-signup"),
    path("login", views.LoginView.as_view(), name="auth-login"),
    path("logout", views.LogoutView.as_view(), name="auth-logout"),
    path("logout-all", views.LogoutAllView.as_view(), name="auth-logout-all"),
    path("me", views.MeView.as_view(), name="auth-me"),
    path("csrf", views.CsrfView.as_view(), name="auth-csrf"),
    path("sessions", views.SessionListView.as_view(), name="auth-sessions"),
    path("sessions/<uuid:session_id>", views.SessionDetailView.as_view(), name="auth-session"),
    path("password/change", views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("password/reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "password/reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("email/verify", views.EmailVerifyView.as_view(), name="auth-email-verify"),
    path(
        "email/verify/request",
        views.EmailVerificationRequestView.as_view(),
        name="auth-email-verification-request",
    ),
]
