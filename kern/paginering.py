"""Lists that grow with the data, a page at a time: ``?pagina=N`` (or a name of the list's
own, when a page has several), `PER_PAGINA` rows, Vorige/Volgende from
`templates/_macros/paginering.html`.

A page number is read only as up to nine ASCII digits; anything else (text, a negative number,
other scripts' digits, a number larger than any offset the database takes) is the first page.
`pagina_van` answers 404 beyond the last page; `lijstpagina` (rows already in memory, such as a
preview's) shows the last one. Totals belong to the whole list: compute them in SQL over the
query, not over the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from kern import cache
from kern.db import db

T = TypeVar("T")

PER_PAGINA = 50  # rows on a page of a list that grows with the data
MAX_CIJFERS = 9  # of a page number in the address


def pagina_van(query: Select[Any], naam: str = "pagina") -> Pagination:
    """The page of ``query``'s rows that ``?pagina=`` (or ``?<naam>=``) asks for (the first
    when it names none, 404 beyond the last), with the number of rows in all (``total``)."""
    return db.paginate(
        query, page=paginanummer(naam), per_page=PER_PAGINA, max_per_page=PER_PAGINA, count=True
    )


def paginanummer(naam: str = "pagina") -> int:
    """The page of a list the URL asks for (``?pagina=``, or ``?<naam>=``); 1 when it names
    none, or no page number."""
    waarde = request.args.get(naam, "1")
    # A larger number would be an offset the database refuses.
    if not (waarde.isascii() and waarde.isdigit() and len(waarde) <= MAX_CIJFERS):
        return 1
    return max(int(waarde), 1)


@dataclass(frozen=True)
class Lijstpagina(Generic[T]):
    """One page of rows already in memory (a preview's) or kept (`bewaarde_pagina`), with what
    `_macros/paginering.html` and the lists' headings ask of a page."""

    items: Sequence[T]
    page: int
    pages: int
    total: int = 0
    per_page: int = PER_PAGINA

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def first(self) -> int:
        """The number of the page's first row in the whole list (0 when it is empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def lijstpagina(rijen: Sequence[T], per_pagina: int) -> Lijstpagina[T]:
    """The page of ``rijen`` that ``?pagina=`` asks for; the last one beyond it."""
    paginas = max(1, -(-len(rijen) // per_pagina))
    pagina = min(paginanummer(), paginas)
    return Lijstpagina(
        rijen[(pagina - 1) * per_pagina : pagina * per_pagina],
        pagina,
        paginas,
        len(rijen),
        per_pagina,
    )


def bewaarde_pagina(
    naam: str,
    query: Select[Any],
    rij: Callable[[Any], T],
    delen: Mapping[str, Any],
    pagina_naam: str = "pagina",
) -> Lijstpagina[T]:
    """`pagina_van` for a list that changes only with the data: the page's rows, each made
    plain values by ``rij`` (they outlive the request), computed once per data version and
    ``delen`` (everything else the list depends on, see `kern.cache.bewaard`) and kept."""

    def bereken() -> Lijstpagina[T]:
        pagina = pagina_van(query, pagina_naam)
        return Lijstpagina(
            [rij(r) for r in pagina.items], pagina.page, pagina.pages or 1, pagina.total or 0
        )

    return cache.bewaard(naam, {**delen, "pagina": paginanummer(pagina_naam)}, bereken)
