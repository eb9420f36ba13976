"""Response headers every page and API answer carries: CSP, no sniffing, no framing, HSTS behind TLS."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

from registry.access import is_api_request


def csp_nonce() -> str:
    """This response's nonce for the few inline scripts the pages have."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def _content_security_policy() -> str:
    if is_api_request():
        # JSON is never a document to run anything in.
        return "default-src 'none'; frame-ancestors 'none'"
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{csp_nonce()}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def add_security_headers(response: Response) -> Response:
    """Set the security headers on a response (registered as an ``after_request``)."""
    headers = response.headers
    wanted = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if request.is_secure:
        wanted["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if "request_id" in g:
        wanted["X-Request-ID"] = g.request_id
    if request.endpoint != "static":
        # Agreements and answers are sensitive: no shared cache keeps them.
        wanted["Cache-Control"] = "no-store"
    present = {key.lower() for key, _ in headers.items()}
    if "content-security-policy" not in present:
        headers["Content-Security-Policy"] = _content_security_policy()
    for name, value in wanted.items():
        # A view that set its own value keeps it (Headers.setdefault would cost more than the check).
        if name.lower() not in present:
            headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Register the headers and the template's nonce."""
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
