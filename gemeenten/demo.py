"""Demo municipalities and their programme membership, labelled as demo on screen.

The first nine received versterkingsgelden in 2015; with the next nine they form the eighteen
of 2017, a plausible demo cohort for the onderwijsaanpak (the real one is not public); all
forty-nine serve as respondents of the needs inventory.
"""

from __future__ import annotations

from sqlalchemy import select

from gemeenten.models import Deelname, Gemeente, Programma
from gemeenten.namen import roepnaam
from kern.db import db
from kern.demo import Verslag

DEMO_GEMEENTEN = (
    ("GM0363", "Amsterdam", "Noord-Holland"),
    ("GM0202", "Arnhem", "Gelderland"),
    ("GM0503", "Delft", "Zuid-Holland"),
    ("GM0518", "'s-Gravenhage", "Zuid-Holland"),
    ("GM0513", "Gouda", "Zuid-Holland"),
    ("GM0406", "Huizen", "Noord-Holland"),
    ("GM0599", "Rotterdam", "Zuid-Holland"),
    ("GM0344", "Utrecht", "Utrecht"),
    ("GM0637", "Zoetermeer", "Zuid-Holland"),
    ("GM0268", "Nijmegen", "Gelderland"),
    ("GM0855", "Tilburg", "Noord-Brabant"),
    ("GM0034", "Almere", "Flevoland"),
    ("GM0606", "Schiedam", "Zuid-Holland"),
    ("GM0394", "Haarlemmermeer", "Noord-Holland"),
    ("GM0307", "Amersfoort", "Utrecht"),
    ("GM0216", "Culemborg", "Gelderland"),
    ("GM0546", "Leiden", "Zuid-Holland"),
    ("GM0193", "Zwolle", "Overijssel"),
    ("GM0935", "Maastricht", "Limburg"),
    ("GM0772", "Eindhoven", "Noord-Brabant"),
    ("GM0014", "Groningen", "Groningen"),
    ("GM0758", "Breda", "Noord-Brabant"),
    ("GM0200", "Apeldoorn", "Gelderland"),
    ("GM0153", "Enschede", "Overijssel"),
    ("GM0392", "Haarlem", "Noord-Holland"),
    ("GM0479", "Zaanstad", "Noord-Holland"),
    ("GM0796", "'s-Hertogenbosch", "Noord-Brabant"),
    ("GM0080", "Leeuwarden", "Friesland"),
    ("GM0505", "Dordrecht", "Zuid-Holland"),
    ("GM0484", "Alphen aan den Rijn", "Zuid-Holland"),
    ("GM0361", "Alkmaar", "Noord-Holland"),
    ("GM0114", "Emmen", "Drenthe"),
    ("GM1783", "Westland", "Zuid-Holland"),
    ("GM0983", "Venlo", "Limburg"),
    ("GM0150", "Deventer", "Overijssel"),
    ("GM0794", "Helmond", "Noord-Brabant"),
    ("GM0828", "Oss", "Noord-Brabant"),
    ("GM0362", "Amstelveen", "Noord-Holland"),
    ("GM0402", "Hilversum", "Noord-Holland"),
    ("GM1883", "Sittard-Geleen", "Limburg"),
    ("GM0917", "Heerlen", "Limburg"),
    ("GM0228", "Ede", "Gelderland"),
    ("GM1674", "Roosendaal", "Noord-Brabant"),
    ("GM0622", "Vlaardingen", "Zuid-Holland"),
    ("GM0502", "Capelle aan den IJssel", "Zuid-Holland"),
    ("GM0995", "Lelystad", "Flevoland"),
    ("GM0439", "Purmerend", "Noord-Holland"),
    ("GM0748", "Bergen op Zoom", "Noord-Brabant"),
    ("GM0405", "Hoorn", "Noord-Holland"),
)

# Membership of the versterkingsgelden follows from the decisions (the demo scheme's loader),
# that of the onderwijsaanpak from its cohort (the onderwijsaanpak's loader); the needs
# inventory keeps its flags set by hand.
DEMO_DEELNAMES = ((Programma.BEHOEFTE_INVENTARISATIE, 49, "Demo-respondent"),)


def laad_demo(verslag: Verslag) -> None:
    bestaand = {g.cbs_code: g for g in db.session.execute(select(Gemeente)).scalars()}
    nieuw = 0
    for code, naam, provincie in DEMO_GEMEENTEN:
        if code not in bestaand:
            bestaand[code] = Gemeente(
                cbs_code=code, naam=naam, provincie=provincie, roepnaam=roepnaam(naam)
            )
            db.session.add(bestaand[code])
            nieuw += 1
    db.session.flush()
    deelnames = 0
    for programma, aantal, toelichting in DEMO_DEELNAMES:
        for code, _, _ in DEMO_GEMEENTEN[:aantal]:
            gemeente = bestaand[code]
            if not any(d.programma is programma for d in gemeente.deelnames):
                gemeente.deelnames.append(
                    Deelname(programma=programma, toelichting=toelichting, demo=True)
                )
                deelnames += 1
    db.session.flush()
    verslag(f"Demo-gemeenten: {nieuw} toegevoegd, {len(DEMO_GEMEENTEN) - nieuw} waren er al.")
    verslag(f"Demo-deelnames aan programma's: {deelnames} toegevoegd.")
