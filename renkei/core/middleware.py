"""Request middleware: security headers, idle timeout, active membership, two-factor gate, audit context."""

from __future__ import annotations

import os
import time
from contextvars import Token
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import audit
from .services import accounts

TRUST_FORWARDED_FOR = os.environ.get("RENKEI_TRUST_X_FORWARDED_FOR", "") == "1"


def client_ip(request) -> str | None:
    if TRUST_FORWARDED_FOR and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _redirect(request, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy (Django 5.2 has no CSP of its own)."""

    def __init__(self, get_response):
        self.get_response = get_response
        tile_host = urlsplit(settings.RENKEI_TILE_URL)
        tiles = f"{tile_host.scheme}://{tile_host.netloc}" if tile_host.netloc else ""
        self.csp = "; ".join([
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: {tiles}".strip(),
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ])

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.csp)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self), payment=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages with personal data must not be kept by shared browsers or proxies.
            response.setdefault("Cache-Control", "no-store")
        return response


class RejectNulCharactersMiddleware:
    """Refuse query strings and form fields containing NUL: PostgreSQL cannot store or compare them (a 500)."""

    MESSAGE = "入力に使用できない文字（NUL）が含まれています。 / The input contains a NUL character."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or (
            request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                                   "multipart/form-data")
            and any("\x00" in value for values in request.POST.lists() for value in values[1])
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.MESSAGE}, status=400)
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Log out a session left idle longer than RENKEI_IDLE_TIMEOUT_SECONDS."""

    KEY = "renkei_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            if now - last > settings.RENKEI_IDLE_TIMEOUT_SECONDS:
                with audit.bind(user_id=request.user.pk, user_label=request.user.email,
                                ip_address=client_ip(request)):
                    audit.record(action="logout", obj=request.user, reason="idle timeout")
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
                login_url = reverse(settings.LOGIN_URL) + "?" + urlencode({"next": request.get_full_path()})
                return _redirect(request, login_url)
            request.session[self.KEY] = now
        return self.get_response(request)


class MembershipMiddleware:
    """Set request.membership: the one membership the user acts through now (chosen at login)."""

    KEY = "renkei_membership_id"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        if request.user.is_authenticated:
            active = (request.user.memberships.filter(is_active=True, organization__is_active=True)
                      .select_related("organization__municipality", "organization__prefecture", "user"))
            chosen = request.session.get(self.KEY)
            membership = active.filter(pk=chosen).first() if chosen else None
            if membership is None:
                membership = active.order_by("pk").first()
                if membership is not None:
                    request.session[self.KEY] = membership.pk
            request.membership = membership
        return self.get_response(request)


class TwoFactorMiddleware:
    """Roles that will see patient data cannot use anything until their second factor is set up and passed."""

    SESSION_KEY = "renkei_two_factor_ok"
    ALLOWED_URL_NAMES = {"two_factor_setup", "logout", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.user.is_authenticated and not request.session.get(self.SESSION_KEY)
                and not request.path.startswith((settings.STATIC_URL, "/api/"))
                and accounts.requires_two_factor(request.user)):
            try:
                url_name = resolve(request.path_info).url_name
            except Resolver404:
                url_name = None
            request.two_factor_pending = True
            if url_name not in self.ALLOWED_URL_NAMES:
                return _redirect(request, reverse("core:two_factor_setup"))
        return self.get_response(request)


class AuditContextMiddleware:
    """Bind who is acting, and from where, for every audit entry written during the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        m = request.membership
        user = request.user if request.user.is_authenticated else None
        token: Token = audit._context.set(audit.AuditContext(
            user_id=user.pk if user else None,
            user_label=user.email if user else "",
            membership_id=m.pk if m else None,
            organization_id=m.organization_id if m else None,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        ))
        try:
            return self.get_response(request)
        finally:
            audit._context.reset(token)
