"""Signing in as a browser does, for the load scripts: the one place that knows the sign-in
form. Works on a ``requests.Session`` (and so on locust's ``HttpSession``).

gunicorn runs with ``APP_ENV=production``, which marks the session cookie ``Secure``; on plain
http to 127.0.0.1 a browser (and ``requests``) would not send it back. `sessie_voor_bench`
lets the session send it there, playing the part of the TLS proxy in front of a real server.
"""

from __future__ import annotations

import re
from typing import Any

from requests.cookies import RequestsCookieJar

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Aanmeldfout(RuntimeError):
    pass


class _KoekjesZonderSecure(RequestsCookieJar):
    """Keeps every cookie as if it came without ``Secure`` (requests copies the session's jar
    into a new one for each request, so a cookie policy on it would not survive)."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> None:
        cookie.secure = False
        super().set_cookie(cookie, *args, **kwargs)


def sessie_voor_bench(sessie: Any) -> Any:
    """Send the ``Secure`` session cookie over http (the scripts ask 127.0.0.1 only)."""
    if not isinstance(sessie.cookies, _KoekjesZonderSecure):
        sessie.cookies = _KoekjesZonderSecure()
    return sessie


def csrf_token(html: str) -> str:
    gevonden = CSRF.search(html)
    if gevonden is None:
        raise Aanmeldfout("no CSRF token in the page")
    return gevonden.group(1)


def meld_aan(sessie: Any, email: str, wachtwoord: str, **extra: Any) -> None:
    """Sign in; raises `Aanmeldfout` unless the application lets the session in.

    ``extra`` goes to every request (locust's ``name=``, to group them in its statistics).
    """
    sessie_voor_bench(sessie)
    formulier = sessie.get("/aanmelden", allow_redirects=False, **extra)
    if formulier.status_code != 200:
        raise Aanmeldfout(f"GET /aanmelden: {formulier.status_code}")
    antwoord = sessie.post(
        "/aanmelden",
        data={"csrf_token": csrf_token(formulier.text), "email": email, "wachtwoord": wachtwoord},
        allow_redirects=False,
        **extra,
    )
    doel = antwoord.headers.get("Location", "")
    if antwoord.status_code != 302 or "/aanmelden" in doel:
        raise Aanmeldfout(f"sign-in as {email}: {antwoord.status_code} {doel}")
