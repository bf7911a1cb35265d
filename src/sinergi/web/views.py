"""The pages every visitor shares: home, sign in and out, the accessibility statement."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "web/home.html"


class AccessibilityView(TemplateView):
    template_name = "web/accessibility.html"


class SignInView(auth_views.LoginView):
    """Session sign-in for pages; django-axes counts failures and locks out (429)."""

    template_name = "web/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = "web:home"
