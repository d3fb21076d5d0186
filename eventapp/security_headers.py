"""The security headers of every response, and HTTPS only where FORCE_HTTPS is on.

The headers are the same for every response but for a stage page's video frame, so they are
put together once, at start. Flask-Talisman, which set them before, parsed its policy and
looked up each option again for every request: 7 % of a vote's CPU (bench/README.md).
"""

from flask import Flask, g, redirect, request

# No inline script anywhere; images may be data: URIs (Bootstrap's form controls use them).
# Scripts connect to the site itself only: the polled live state, and its push, which nginx
# answers on the same origin (live/push.py).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "connect-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = {
    "Content-Security-Policy": "; ".join(f"{name} {value}"
                                         for name, value in CONTENT_SECURITY_POLICY.items()),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "browsing-topics=()",
}
# A year: browsers then refuse plain HTTP for the host before asking.
STRICT_TRANSPORT_SECURITY = "max-age=31556926; includeSubDomains"


def plain_http_allowed(view):
    """Serve this view over plain HTTP too: the health checks, which come from inside."""
    view.plain_http_allowed = True
    return view


def allow_frames_from(origin: str) -> None:
    """Let this response's page embed frames from `origin` (the stage page's video player)."""
    # Never cached: g lives for one request, so every stage page must set it again.
    g.frame_origin = origin


def init_app(app: Flask) -> None:
    force_https = app.config["FORCE_HTTPS"]

    @app.before_request
    def redirect_to_https():
        # Behind a proxy, is_secure is what the trusted proxy says (PROXY_COUNT, ProxyFix).
        if force_https and not request.is_secure and not getattr(
                app.view_functions.get(request.endpoint), "plain_http_allowed", False):
            return redirect(request.url.replace("http://", "https://", 1), 302)
        return None

    @app.after_request
    def set_security_headers(response):
        response.headers.update(HEADERS)
        origin = g.get("frame_origin")
        if origin:
            response.headers["Content-Security-Policy"] += f"; frame-src {origin}"
        if force_https and request.is_secure:
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        return response
