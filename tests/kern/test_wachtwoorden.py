"""The password rule (kern/accounts/wachtwoorden.py): length counts, composition does not;
common passwords, runs and the user's own e-mail name are refused. The forms, the services and
the command line all ask this one rule (tests/kern/test_accounts.py sends cases through each)."""

from __future__ import annotations

import pytest

from kern.accounts.wachtwoorden import bezwaar

VEELGEBRUIKT = "Dit wachtwoord wordt veel gebruikt en is daardoor makkelijk te raden"
TE_WEINIG = "Dit wachtwoord herhaalt te weinig verschillende tekens"
EMAILNAAM = "Een wachtwoord mag uw e-mailnaam niet bevatten."


@pytest.mark.parametrize(
    "wachtwoord",
    [
        "correct paard batterij nietje",  # a sentence of a few words: no digits, no capitals
        "een-lang-testwachtwoord",
        "zomervakantie in Zeeland",  # a common word inside a sentence is fine
        "Tr0ub4dor&3xyz",
        "ééntweedriévier",  # any script, any character
        "x" * 4 + "yzabc" + "1" * 3,  # long enough and five different characters
        "w" * 195 + "abcde",  # two hundred characters
    ],
)
def test_a_long_uncommon_password_is_accepted(wachtwoord):
    assert bezwaar(wachtwoord, "jan.jansen@amsterdam.nl") is None


@pytest.mark.parametrize(
    ("wachtwoord", "reden"),
    [
        ("elf-tekens!", "Een wachtwoord heeft minstens 12 tekens."),
        ("w" * 201, "Een wachtwoord is hooguit 200 tekens lang."),
        ("qwerty123456", VEELGEBRUIKT),  # in the list itself
        ("1q2w3e4r5t6y", VEELGEBRUIKT),
        ("password2026!", VEELGEBRUIKT),  # a listed word with digits and punctuation around it
        ("!!Welkom123456", VEELGEBRUIKT),  # a Dutch one
        ("Wachtwoord2026", VEELGEBRUIKT),
        ("123456789012", VEELGEBRUIKT),  # a run of digits, wrapping past 9
        ("987654321098", VEELGEBRUIKT),
        ("abcdefghijklm", VEELGEBRUIKT),  # a run of letters
        ("aaaaaaaaaaaa", TE_WEINIG),
        ("121212121212", TE_WEINIG),
        ("abcdabcdabcd", TE_WEINIG),
        ("mijn naam is jan.jansen", EMAILNAAM),  # the whole e-mail name
        ("JANSEN voor altijd", EMAILNAAM),  # a part of it, in any case
    ],
)
def test_a_weak_password_is_refused_with_the_reason(wachtwoord, reden):
    gevonden = bezwaar(wachtwoord, "jan.jansen@amsterdam.nl")

    assert gevonden is not None
    assert gevonden.startswith(reden)


def test_short_parts_of_an_e_mail_name_do_not_count():
    # "jan" alone is too short to be guessed from the address; the whole name still counts.
    assert bezwaar("januskop en nog wat", "jan.de.vries@voorbeeld.nl") is None
    assert bezwaar("ik ben jan.de.vries echt", "jan.de.vries@voorbeeld.nl") == EMAILNAAM
    assert bezwaar("devries-is-mijn-achternaam", "jan.devries@voorbeeld.nl") == EMAILNAAM
