"""Pages computed from data that changes a few times a day, kept per data version.

`bewaard(naam, delen, bereken)` returns what ``bereken`` returns, computed once per data
version (`kern.audit.dataversie`, raised in the transaction of every change to programme data)
and per ``delen`` (the object, the filters, the sort order, the day: everything the result
depends on). The version is read before anything is computed, so an entry holds data at least
as new as its version, and a change is seen by the very next request, which reads the new
version and so another key. Nothing is ever invalidated by hand; old versions' entries expire.

A value must not depend on who asks beyond what ``delen`` names: a view checks access first
and puts whatever the user's role or municipality changes in the result into ``delen``.

In Redis (`RedisCache`) when ``REDIS_URL`` is set, shared by every worker; otherwise in the
process (`SimpleCache`). When Redis does not answer, the page is computed as without a cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from flask import Flask
from flask_caching import Cache
from redis import RedisError

from kern import audit

T = TypeVar("T")

cache = Cache()
log = logging.getLogger(__name__)

BEWAARTIJD = 24 * 3600  # seconds: an older version's entries go after a day
MAX_IN_PROCES = 500  # entries kept by SimpleCache in one process


def init_app(app: Flask) -> None:
    """Redis when ``REDIS_URL`` is set, else this process's memory; ``CACHE_*`` settings of
    the app's configuration take precedence."""
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("CACHE_TYPE", "RedisCache" if redis_url else "SimpleCache")
    app.config.setdefault("CACHE_REDIS_URL", redis_url)
    app.config.setdefault("CACHE_KEY_PREFIX", "versterkingsgelden:cache:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", BEWAARTIJD)
    app.config.setdefault("CACHE_THRESHOLD", MAX_IN_PROCES)
    cache.init_app(app)


def sleutel(naam: str, versie: int, delen: Mapping[str, Any]) -> str:
    """``naam:versie:`` and a digest of ``delen`` (any values, as text)."""
    tekst = json.dumps(delen, sort_keys=True, default=str, ensure_ascii=False)
    return f"{naam}:{versie}:{hashlib.sha256(tekst.encode()).hexdigest()[:32]}"


def bewaard(naam: str, delen: Mapping[str, Any], bereken: Callable[[], T]) -> T:
    """``bereken()``, from the cache when it was computed at the current data version with
    the same ``delen``."""
    s = sleutel(naam, audit.dataversie(), delen)
    try:
        gevonden = cache.get(s)
    except (RedisError, OSError) as fout:
        log.warning("Cache unreachable (%s); %s computed without it.", fout, naam)
        return bereken()
    if gevonden is not None:
        return cast(T, gevonden)
    waarde = bereken()
    try:
        cache.set(s, waarde)
    except (RedisError, OSError) as fout:
        log.warning("Cache unreachable (%s); %s not kept.", fout, naam)
    return waarde
