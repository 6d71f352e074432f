"""What each role may read and change: the one table.

A view declares the right it needs (`@toegang(Recht.PROGRAMMA_LEZEN)`, see
`kern.accounts.access`); which roles hold that right is said here and nowhere else. The menu,
the start-page tiles and the links in templates (`mag(endpoint)`), what a view shows beyond
its route (`heeft(recht)`), the permission-matrix test and the README's "Roles" table all read
`RECHTEN` (`tests/kern/test_rechten.py` compares the README with `readme_tabel()`).

Reference data is what every programme shares and none decides: the municipality register
(municipalities, CBS codes, provinces, mergers), kept from CBS's list. Schemes (regelingen) are
not reference data: their ceilings and goals are budget decisions of a programme, so they are
programme data, read and changed like a decision. The administrator manages accounts and the
reference data and reads no programme data at all; registering a payment as made is finance's,
not the grant officer's who decided the grant and planned the payment (segregation of duties).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kern.accounts.models import Rol


class Recht(enum.StrEnum):
    EIGEN_ACCOUNT = "eigen_account"
    ACCOUNTS_BEHEREN = "accounts_beheren"
    BEVEILIGINGSLOG_LEZEN = "beveiligingslog_lezen"
    GEMEENTEREGISTER_LEZEN = "gemeenteregister_lezen"
    REFERENTIEGEGEVENS_BEHEREN = "referentiegegevens_beheren"
    PROGRAMMA_LEZEN = "programma_lezen"
    PROGRAMMA_WIJZIGEN = "programma_wijzigen"
    BETALINGEN_REGISTREREN = "betalingen_registreren"
    EIGEN_GEMEENTE = "eigen_gemeente"


@dataclass(frozen=True)
class Omschrijving:
    """What a right lets its holder read and change, in the README's words."""

    leest: str = ""
    wijzigt: str = ""


OMSCHRIJVINGEN: dict[Recht, Omschrijving] = {
    Recht.EIGEN_ACCOUNT: Omschrijving(
        leest="the start page; their own sessions; their own second factor (recovery codes "
        "left); their own background exports",
        wijzigt="their own password and recovery codes; signs out here, elsewhere or "
        "everywhere; has an export made in the background",
    ),
    Recht.ACCOUNTS_BEHEREN: Omschrijving(
        leest="the accounts, with their second factor's state and running sessions",
        wijzigt="creates, blocks and unblocks accounts, changes a role, resets a second factor",
    ),
    Recht.BEVEILIGINGSLOG_LEZEN: Omschrijving(leest="the security log"),
    Recht.GEMEENTEREGISTER_LEZEN: Omschrijving(
        leest="the municipality register: codes, names, provinces, mergers and their history",
    ),
    Recht.REFERENTIEGEGEVENS_BEHEREN: Omschrijving(
        wijzigt="the reference data: the municipality register, from CBS's list (upload) with "
        "the successors of municipalities that merged",
    ),
    Recht.PROGRAMMA_LEZEN: Omschrijving(
        leest="every programme's data, with its exports and audit history: versterkingsgelden "
        "(schemes, decisions, payments, returns, settlement, spending summaries), the "
        "onderwijsaanpak (cohort, phases, activities, lessons, rounds, reports, progress), the "
        "needs inventory (answers, analyses, actions) and programme membership",
    ),
    Recht.PROGRAMMA_WIJZIGEN: Omschrijving(
        wijzigt="everything in the programmes: schemes, ceilings, goals, decisions, planning "
        "and cancelling payments, reviewing and settling returns, the historical import; the "
        "onderwijsaanpak's cohort, phases, lessons, rounds and reviewing reports; the needs "
        "inventory's parts, themes, invitations, answers import and actions; programme "
        "membership; submits for a municipality what it can submit itself",
    ),
    Recht.BETALINGEN_REGISTREREN: Omschrijving(
        wijzigt="registers payments as made (one or a batch) and clawbacks as received; "
        "cancels a planned payment with a reason",
    ),
    Recht.EIGEN_GEMEENTE: Omschrijving(
        leest="only their own municipality (and those merged into it): its page, decisions, "
        "returns, onderwijsaanpak activities and reports, inventory answers; everything else "
        "answers 404",
        wijzigt="submits its returns (form or Excel), activities (form or Excel), reports and "
        "inventory answers",
    ),
}

# The table: the rights of each role.
RECHTEN: dict[Rol, frozenset[Recht]] = {
    Rol.BELEIDSMEDEWERKER: frozenset(
        {
            Recht.EIGEN_ACCOUNT,
            Recht.GEMEENTEREGISTER_LEZEN,
            Recht.PROGRAMMA_LEZEN,
            Recht.PROGRAMMA_WIJZIGEN,
        }
    ),
    Rol.GEMEENTE: frozenset({Recht.EIGEN_ACCOUNT, Recht.EIGEN_GEMEENTE}),
    Rol.FINANCIEN: frozenset(
        {
            Recht.EIGEN_ACCOUNT,
            Recht.GEMEENTEREGISTER_LEZEN,
            Recht.PROGRAMMA_LEZEN,
            Recht.BETALINGEN_REGISTREREN,
        }
    ),
    Rol.BEHEERDER: frozenset(
        {
            Recht.EIGEN_ACCOUNT,
            Recht.ACCOUNTS_BEHEREN,
            Recht.BEVEILIGINGSLOG_LEZEN,
            Recht.GEMEENTEREGISTER_LEZEN,
            Recht.REFERENTIEGEGEVENS_BEHEREN,
        }
    ),
}

# The README's name of each role, in the order of its table.
README_NAMEN: dict[Rol, str] = {
    Rol.BELEIDSMEDEWERKER: "beleidsmedewerker (grant officer)",
    Rol.GEMEENTE: "gemeente (municipality user)",
    Rol.FINANCIEN: "financiën (finance)",
    Rol.BEHEERDER: "beheerder (administrator)",
}


def heeft(rol: Rol, recht: Recht) -> bool:
    return recht in RECHTEN[rol]


def rollen_met(rechten: frozenset[Recht]) -> frozenset[Rol]:
    """The roles that hold at least one of ``rechten``."""
    return frozenset(rol for rol, eigen in RECHTEN.items() if eigen & rechten)


def readme_tabel() -> str:
    """The README's "Roles" table, written from `RECHTEN` in `Recht`'s order."""
    regels = [
        "| role | reads | changes | rights |",
        "|---|---|---|---|",
    ]
    for rol, naam in README_NAMEN.items():
        eigen = [recht for recht in Recht if recht in RECHTEN[rol]]
        leest = "; ".join(o.leest for r in eigen if (o := OMSCHRIJVINGEN[r]).leest)
        wijzigt = "; ".join(o.wijzigt for r in eigen if (o := OMSCHRIJVINGEN[r]).wijzigt)
        namen = ", ".join(f"`{r.name}`" for r in eigen)
        regels.append(f"| {naam} | {leest} | {wijzigt} | {namen} |")
    return "\n".join(regels) + "\n"


if __name__ == "__main__":  # python -m kern.accounts.rechten: the table to paste
    print(readme_tabel(), end="")
