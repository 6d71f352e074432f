"""What a user sees on a page: its text, the flashed messages, the messages beside form fields.

Assert on these where a test is about what a reader sees; assert on ``antwoord.text`` (the HTML)
where the markup itself matters (a link's target, a heading, a table's structure).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from werkzeug.test import TestResponse

# Elements that start a new line in a browser: their tags separate words; an inline element's
# tags (a, abbr, code, span, strong, ...) do not.
_BLOK = re.compile(
    r"br|caption|dd|div|dl|dt|fieldset|figure|footer|form|h[1-6]|header|legend|li|main|nav|ol"
    r"|option|p|section|select|table|tbody|td|textarea|tfoot|th|thead|title|tr|ul"
)
_WIT = re.compile(r"[ \t\r\n\f]+")  # not \s: the no-break space in amounts stays


class _Tekst(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.delen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if _BLOK.fullmatch(tag):
            self.delen.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if _BLOK.fullmatch(tag):
            self.delen.append(" ")

    def handle_data(self, data: str) -> None:
        self.delen.append(data)


def tekst(antwoord: TestResponse | str) -> str:
    """The text of a page (or an HTML fragment) as a reader sees it: no tags, entities decoded,
    white space as one space; the no-break space stays (`€\xa01.000,00`)."""
    lezer = _Tekst()
    lezer.feed(antwoord if isinstance(antwoord, str) else antwoord.get_data(as_text=True))
    lezer.close()
    return _WIT.sub(" ", "".join(lezer.delen)).strip()


def meldingen(antwoord: TestResponse) -> list[tuple[str, str]]:
    """The messages at the top of the page (flashed, or a refusal), in order: (category, text)."""
    return [
        (categorie, tekst(bericht))
        for categorie, bericht in re.findall(
            r'<div class="melding melding--(\w+)" role="\w+">(.*?)</div>', antwoord.text
        )
    ]


def foutmeldingen(antwoord: TestResponse) -> list[str]:
    """The messages beside form fields, in order."""
    return [
        tekst(bericht)
        for bericht in re.findall(r'<p class="foutmelding"[^>]*>(.*?)</p>', antwoord.text, re.S)
    ]


def csrf_token(antwoord: TestResponse, naam: str = "csrf_token") -> str:
    """The CSRF token of the (first) form on the page; ``naam`` for a prefixed form's."""
    gevonden = re.search(rf'name="{re.escape(naam)}"[^>]*value="([^"]+)"', antwoord.text)
    assert gevonden is not None, f"no {naam} on the page"
    return html.unescape(gevonden[1])


def versie_in(antwoord: TestResponse, prefix: str = "") -> str:
    """The version a form on the page carries in its hidden field (``prefix``-versie)."""
    naam = f"{prefix}-versie" if prefix else "versie"
    gevonden = re.search(
        rf'<input[^>]*name="{re.escape(naam)}"[^>]*value="(\d+)"', antwoord.text
    ) or re.search(rf'<input[^>]*value="(\d+)"[^>]*name="{re.escape(naam)}"', antwoord.text)
    assert gevonden, f"no {naam} field on the page"
    return gevonden[1]
