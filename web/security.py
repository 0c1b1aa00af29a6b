"""Response headers that keep the desk's pages and scans where they belong.

- Nothing personal is cached by a shared proxy: every dynamic response (pages, scans, page images,
  the API) is `Cache-Control: private, no-store`; only the static CSS/JS may be cached.
- A Content-Security-Policy allows scripts from the site itself and inline scripts carrying this
  response's nonce only, so injected markup cannot run script; no site may frame the desk (clickjacking).
- nosniff, a strict Referrer-Policy (letter numbers in URLs stay on the site).
- Behind the office's HTTPS reverse proxy, XINFANG_SECURE_COOKIES=1 marks the cookies Secure, and
  XINFANG_PROXIES=N trusts N proxies' X-Forwarded-For/-Proto (for the client address of login throttling).
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from xinfang.core.config import Settings


def csp_nonce() -> str:
    """This response's script nonce, for `<script nonce="{{ csp_nonce() }}">` in the templates."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'", f"script-src 'self' 'nonce-{nonce}'", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:", "connect-src 'self'", "font-src 'self'", "object-src 'none'",
        "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"])


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _policy(csp_nonce()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        headers["Cache-Control"] = "private, no-store"
        headers.pop("Expires", None)
    return response


def install(app: Flask, settings: Settings) -> None:
    app.config.update(SESSION_COOKIE_SECURE=settings.secure_cookies, REMEMBER_COOKIE_SECURE=settings.secure_cookies,
                      REMEMBER_COOKIE_HTTPONLY=True)
    if settings.proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxies, x_proto=settings.proxies)  # type: ignore[method-assign]
    app.add_template_global(csp_nonce, "csp_nonce")
    app.after_request(_headers)
