"""Fill in and send a form the way a browser does: read it from the page, hidden fields and
CSRF token included, change what the user types, and post it to the form's action."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


@dataclass
class Formulier:
    actie: str
    methode: str
    velden: dict[str, str] = field(default_factory=dict)
    keuzes: dict[str, list[str]] = field(default_factory=dict)  # select/radio: the options
    bestanden: set[str] = field(default_factory=set)  # names of the file fields
    herhaald: dict[str, list[str]] = field(default_factory=dict)  # hidden fields sent repeatedly

    def als_data(self) -> dict[str, str | list[str]]:
        """What a browser sends: every value of a repeated hidden field."""
        return {**self.velden, **{n: w for n, w in self.herhaald.items() if len(w) > 1}}


class _Lezer(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.formulieren: list[Formulier] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.formulieren.append(Formulier(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.formulieren:
            return
        huidig = self.formulieren[-1]
        naam = a.get("name")
        if tag == "input" and naam:
            soort = a.get("type", "text")
            if soort in ("checkbox", "radio"):
                huidig.keuzes.setdefault(naam, []).append(a.get("value", "y"))
                if "checked" in a:
                    huidig.velden[naam] = a.get("value", "y")
            elif soort not in ("submit", "button"):
                huidig.velden[naam] = a.get("value", "")
                huidig.herhaald.setdefault(naam, []).append(a.get("value", ""))
                if soort == "file":
                    huidig.bestanden.add(naam)
        elif tag == "select" and naam:
            self._select = naam
            huidig.keuzes[naam] = []
        elif tag == "option" and self._select:
            huidig.keuzes[self._select].append(a.get("value", ""))
            if "selected" in a or self._select not in huidig.velden:
                huidig.velden[self._select] = a.get("value", "")
        elif tag == "textarea" and naam:
            self._textarea = naam
            huidig.velden[naam] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.formulieren:
            self.formulieren[-1].velden[self._textarea] += data


def alle_formulieren(html: str, pagina: str = "") -> list[Formulier]:
    """Every form on the page (no action: the page itself)."""
    lezer = _Lezer()
    lezer.feed(html)
    for f in lezer.formulieren:
        f.actie = f.actie or pagina
    return lezer.formulieren


def formulier(html: str, actie: str, pagina: str = "") -> Formulier:
    """The form on the page whose action ends with ``actie`` (no action: the page itself)."""
    gevonden = [f for f in alle_formulieren(html, pagina) if f.actie.endswith(actie)]
    assert gevonden, f"no form posting to …{actie} on this page"
    return gevonden[0]


def verstuur(client: FlaskClient, pagina: str, actie: str, **invoer: str) -> TestResponse:
    """Open ``pagina``, fill in the form posting to ``actie`` and send it.

    A key of ``invoer`` names a field; a field with a prefix (``betaling3-betaald_op``) is
    found by its last part. Checkboxes are ticked by giving them a value.
    """
    geopend = client.get(pagina)
    assert geopend.status_code == 200, f"{pagina}: {geopend.status_code}"
    f = formulier(geopend.text, actie, pagina)
    for sleutel, waarde in invoer.items():
        namen = [n for n in (*f.velden, *f.keuzes) if n == sleutel or n.endswith("-" + sleutel)]
        assert namen, f"no field {sleutel} in the form posting to {f.actie}"
        f.velden[namen[0]] = waarde
    return client.post(f.actie, data=f.velden)


def verstuur_antwoord(
    client: FlaskClient, antwoord: TestResponse, actie: str, pagina: str = ""
) -> TestResponse:
    """Send the form posting to ``actie`` on a page that was itself an answer to a POST (a
    confirmation step), as it is: its hidden fields carry what was entered."""
    f = formulier(antwoord.get_data(as_text=True), actie, pagina)
    return client.post(f.actie, data=f.als_data())
