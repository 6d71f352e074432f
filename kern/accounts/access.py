"""Who may call which view.

Every view declares the right it needs with `@toegang(Recht.X, ...)` or says it is
`@openbaar`; `create_app` refuses to start when a view declares neither (see
`controleer_declaraties`). Which roles hold a right is said in one table,
`kern.accounts.rechten.RECHTEN`, never at a view. Municipality users are further limited to
their own municipality by the register (`gemeenten.services.zichtbaar_of_404`), which knows
which municipalities merged into theirs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, abort
from flask_login import current_user

from kern.accounts.models import Gebruiker, Rol
from kern.accounts.rechten import RECHTEN, Recht, rollen_met
from kern.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

# The attribute a view carries: the rights of which one lets a user call it, or None when it
# is public.
ATTRIBUUT = "vereiste_rechten"


def toegang(*rechten: Recht) -> Callable[[F], F]:
    """Allow signed-in users holding one of ``rechten``; others get 403, strangers the login
    page."""
    if not rechten or not all(isinstance(recht, Recht) for recht in rechten):
        raise TypeError("toegang() takes one or more rights (Recht), never roles")
    vereist = frozenset(rechten)

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not vereist & RECHTEN[current_user.rol]:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ATTRIBUUT, vereist)
        return cast(F, wrapper)

    return decorator


def openbaar(view: F) -> F:
    """Mark a view as reachable without signing in (the login page, health checks)."""
    setattr(view, ATTRIBUUT, None)
    return view


def gebruiker() -> Gebruiker:
    """The signed-in user, typed; only call this behind `toegang`."""
    return cast(Gebruiker, current_user._get_current_object())


def controleer_declaraties(app: Flask) -> None:
    """Refuse to start when a view does not say who may call it."""
    missing = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, ATTRIBUUT)
    )
    if missing:
        raise RuntimeError("Views without @toegang(...) or @openbaar: " + ", ".join(missing))


def rechten_van(app: Flask, endpoint: str) -> frozenset[Recht] | None:
    """The rights of which one opens an endpoint (None: public)."""
    return cast(frozenset[Recht] | None, getattr(app.view_functions[endpoint], ATTRIBUUT))


def rollen_van(app: Flask, endpoint: str) -> frozenset[Rol] | None:
    """The roles an endpoint admits according to the table (None: public)."""
    rechten = rechten_van(app, endpoint)
    return None if rechten is None else rollen_met(rechten)


def heeft(recht: Recht) -> bool:
    """Does the signed-in user hold this right? For what a page shows beyond its route."""
    return bool(current_user.is_authenticated and recht in RECHTEN[current_user.rol])


def mag(endpoint: str) -> bool:
    """May the signed-in user open this endpoint? For menus and links in templates."""
    from flask import current_app

    rechten = rechten_van(current_app, endpoint)
    if rechten is None:
        return True
    return bool(current_user.is_authenticated and rechten & RECHTEN[current_user.rol])
