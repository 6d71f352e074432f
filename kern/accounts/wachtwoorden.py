"""What makes a password acceptable: the one home of the rule, for the forms, the services and
the command line alike.

Following NIST SP 800-63B (and so the BIO and OWASP ASVS level 2): length counts, composition
rules do not. A password has at least twelve characters and at most two hundred; it may not be
a commonly used password, nor one with only digits or punctuation around a common one
("password2026!"), nor a run of a few characters ("aaaaaaaaaaaa", "121212121212"); and it may
not contain the user's e-mail name. The list of common passwords is the one zxcvbn ships (30,000
passwords from breaches, most used first), with the Dutch words people choose most.
"""

from __future__ import annotations

import functools
import itertools
import re

from zxcvbn.frequency_lists import FREQUENCY_LISTS

MINIMALE_LENGTE = 12
MAXIMALE_LENGTE = 200
MINIMAAL_VERSCHILLENDE_TEKENS = 5
KORTSTE_DEEL_VAN_EMAILNAAM = 4

# Dutch passwords that breach lists of English-speaking sites rank too low.
NEDERLANDSE = (
    "wachtwoord",
    "welkom",
    "geheim",
    "gemeente",
    "ministerie",
    "voorjaar",
    "zomer",
    "najaar",
    "winter",
    "lente",
    "herfst",
    "januari",
    "februari",
    "maart",
    "april",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "nederland",
    "holland",
    "amsterdam",
    "rotterdam",
    "utrecht",
    "ajax",
    "feyenoord",
    "psv",
    "oranje",
    "hallo",
    "hoihoi",
    "liefde",
    "schatje",
    "voetbal",
    "versterkingsgelden",
    "onderwijsaanpak",
)

# Around the common word: digits, punctuation, spaces (not letters: "zomervakantie" is a word).
_OMHULSEL = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$", re.DOTALL)
_DELEN_VAN_EMAILNAAM = re.compile(r"[._+\-]+")


@functools.cache
def _veelgebruikt() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(NEDERLANDSE)


def _emailnamen(email: str) -> list[str]:
    """The e-mail name and its parts that are long enough to be guessed from it."""
    naam = email.strip().lower().partition("@")[0]
    delen = [d for d in _DELEN_VAN_EMAILNAAM.split(naam) if len(d) >= KORTSTE_DEEL_VAN_EMAILNAAM]
    return [naam, *delen] if len(naam) >= 3 else delen


def _reeks(tekst: str) -> bool:
    """A run up or down the alphabet or the digits: "abcdefghijkl", "123456789012"."""
    if tekst.isdigit():
        stappen = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(tekst)}
        return stappen in ({1}, {9})
    stappen = {ord(b) - ord(a) for a, b in itertools.pairwise(tekst)}
    return stappen in ({1}, {-1})


def bezwaar(wachtwoord: str, email: str = "") -> str | None:
    """Why ``wachtwoord`` will not do for the account with ``email``, or None when it will."""
    if len(wachtwoord) < MINIMALE_LENGTE:
        return f"Een wachtwoord heeft minstens {MINIMALE_LENGTE} tekens."
    if len(wachtwoord) > MAXIMALE_LENGTE:
        return f"Een wachtwoord is hooguit {MAXIMALE_LENGTE} tekens lang."
    klein = wachtwoord.lower()
    if len(set(klein)) < MINIMAAL_VERSCHILLENDE_TEKENS:
        return (
            "Dit wachtwoord herhaalt te weinig verschillende tekens; "
            "kies bijvoorbeeld een zin van een paar woorden."
        )
    kern = _OMHULSEL.match(klein)
    if (
        klein in _veelgebruikt()
        or (kern is not None and kern.group(1) in _veelgebruikt())
        or _reeks(klein)
    ):
        return (
            "Dit wachtwoord wordt veel gebruikt en is daardoor makkelijk te raden; "
            "kies bijvoorbeeld een zin van een paar woorden."
        )
    for naam in _emailnamen(email):
        if naam in klein:
            return "Een wachtwoord mag uw e-mailnaam niet bevatten."
    return None
