"""Who may call which view.

Every view declares its roles with `@toegang(...)` or says it is `@openbaar`; `create_app`
refuses to start when a view declares neither (see `controleer_declaraties`). Municipality
users are further limited to their own municipality by the register
(`gemeenten.services.zichtbaar_of_404`), which knows which municipalities merged into theirs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, abort
from flask_login import current_user

from kern.accounts.models import Gebruiker, Rol
from kern.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

ALLE_ROLLEN = frozenset(Rol)
MINISTERIE = frozenset({Rol.BELEIDSMEDEWERKER, Rol.FINANCIEN, Rol.BEHEERDER})

# The attribute a view carries: the roles that may call it, or None when it is public.
ATTRIBUUT = "toegestane_rollen"


def toegang(*rollen: Rol | frozenset[Rol]) -> Callable[[F], F]:
    """Allow signed-in users with one of ``rollen``; others get 403, strangers the login page."""
    toegestaan: frozenset[Rol] = frozenset().union(
        *(r if isinstance(r, frozenset) else {r} for r in rollen)
    )
    if not toegestaan:
        raise ValueError("toegang() needs at least one role")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.rol not in toegestaan:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ATTRIBUUT, toegestaan)
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


def rollen_van(app: Flask, endpoint: str) -> frozenset[Rol] | None:
    """The roles an endpoint admits (None: public); for templates and the permission tests."""
    return cast(frozenset[Rol] | None, getattr(app.view_functions[endpoint], ATTRIBUUT))


def mag(endpoint: str) -> bool:
    """May the signed-in user open this endpoint? For menus and links in templates."""
    from flask import current_app

    rollen = rollen_van(current_app, endpoint)
    if rollen is None:
        return True
    return bool(current_user.is_authenticated and current_user.rol in rollen)
