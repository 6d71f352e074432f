"""Signing in as a browser does, for the load scripts: the one place that knows the sign-in
form and the second factor. Works on a ``requests.Session`` (and so on locust's
``HttpSession``).

The second factor: the scripts enrol their accounts directly in the database
(`omgeving.Omgeving.maak_accounts` gives each a TOTP secret) and compute the code with pyotp,
as the authenticator app would. A code works once: each simulated user has an account of its
own, and a sign-in whose code was used already waits for the next 30-second step.

gunicorn runs with ``APP_ENV=production``, which marks the session cookie ``Secure``; on plain
http to 127.0.0.1 a browser (and ``requests``) would not send it back. `sessie_voor_bench`
lets the session send it there, playing the part of the TLS proxy in front of a real server.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import pyotp
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


def _pad(adres: str) -> str:
    delen = urlsplit(adres)
    return delen.path + (f"?{delen.query}" if delen.query else "")


def meld_aan(
    sessie: Any, email: str, wachtwoord: str, totp_geheim: str | None = None, **extra: Any
) -> None:
    """Sign in, with the second factor when the application asks for it; raises `Aanmeldfout`
    unless the application lets the session in.

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
    doel = _pad(antwoord.headers.get("Location", ""))
    if antwoord.status_code == 302 and doel.startswith("/aanmelden/"):
        antwoord = _tweede_factor(sessie, doel, email, totp_geheim, extra)
        doel = _pad(antwoord.headers.get("Location", ""))
    if antwoord.status_code != 302 or doel.startswith("/aanmelden"):
        raise Aanmeldfout(f"sign-in as {email}: {antwoord.status_code} {doel}")


def _tweede_factor(
    sessie: Any, adres: str, email: str, geheim: str | None, extra: dict[str, Any]
) -> Any:
    """The second step (``/aanmelden/code``): the app's code now; when it was used already
    (the same account signed in within these 30 seconds), the next step's code once it is
    that step."""
    if geheim is None:
        raise Aanmeldfout(f"{email}: the application asks for a second factor; no secret known")
    totp = pyotp.TOTP(geheim)
    pagina = sessie.get(adres, allow_redirects=False, **extra)
    for poging in range(2):
        if poging:
            time.sleep(totp.interval - time.time() % totp.interval + 0.5)
        antwoord = sessie.post(
            adres,
            data={"csrf_token": csrf_token(pagina.text), "code": totp.now()},
            allow_redirects=False,
            **extra,
        )
        if antwoord.status_code != 400:
            return antwoord
        pagina = antwoord  # the form again, with a fresh token
    return antwoord
