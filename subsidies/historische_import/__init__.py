"""The historical import: years of grants, payments and spending of a scheme from one workbook.

For officers taking over the records kept before this application. The first sheet has a
heading row and one row per municipality, year and purpose (`KOPPEN`)::

    Soort | CBS-code | Gemeente | Jaar | Doel | Bedrag | Cumulatief | Datum

A *toekenning* row grants an amount for a purpose, a *betaling* row is a payment made on a
date, a *besteding* row is the spending on a purpose in a year. The steps, each its own
request (the views: `subsidies.views.historische_import`), or one run of
``flask versterkingsgelden importeer`` (`subsidies.cli`)::

    sjabloon()      the empty workbook to fill in, with its instructions
    ontvang()       store the original (kern.uploads, through its own session), then
      controleer()  read it as a stream, check every row against the scheme and the
                    database, count what each row does (nieuw, gewijzigd, ongewijzigd) and
                    stage the new and changed ones as `Wijziging` (with the old values,
                    amounts in cents); or refuse the upload with every message at once
    wijzigingen()   the staged rows, for the paginated preview (`voorbeeldregels`)
    importeer()     the staged rows, in the caller's one transaction: the whole file checked
                    in memory against the services' own rules, then written set-based
                    (`bulk`); or (``per_rij=True``) through the services one call at a time,
                    the reference the set-based path is tested against

Checking is fast (the bench: 100,000 rows): the reference data is loaded into dictionaries
once, and a row whose cells are plainly right (`Controle._gewone_rij`) costs a few lookups;
any other row is read again cell by cell through kern.excel.cellen
(`Controle._rij_met_meldingen`), which takes the same values the same way and words every
problem.

What an import does, per municipality and year (the recipient is the municipality named):

- toekenning: the rows set the amounts per purpose; purposes not in the file keep what the
  decision has. The decision's amount is the sum of its purposes. A missing decision is made
  and decided with kenmerk ``historisch-<regeling id>-<jaar>-<cbs code>`` (`kenmerk`; unique,
  as kenmerken are across schemes) on the day of the import; an existing one is amended
  (`services.wijzig_beschikking`, the earlier version kept) with the upload as the reason.
  A decision that is a draft, withdrawn or settled is not changed: that is an error.
  The file's ceiling check replaces the services' own (which would trip over the order in
  which decisions are amended): the end result per year must fit under the ceiling.
- betaling: a payment is matched on its date with the payments registered on the decision;
  a new one is planned as a voorschot and registered as paid on that date. A registered
  payment is never changed.
- besteding: compared with the decision's latest return; when any purpose differs, the file's
  spending on every purpose (the file must name them all) is submitted as a new version
  (``bron="import"``, not final), which waits for review like any other.

The recipient is the municipality named; a decision for a region is found under its lead
municipality. A municipality that has ended gets no new decision (as `services` rules).

The check runs once per upload, on the database as it was; `importeer` refuses when anything
of the scheme changed since (`verouderd`), and the officer has the file checked again.

The modules, in the order of the steps: `basis` (the columns and the words above, shared by
all), `sjabloon`, `controle` (`ontvang`, `controleer`, `vingerafdruk`, `verouderd`), `voorvertoning`
(the preview, a page at a time), `werk` (the staged rows gathered per decision, and `Resultaat`),
`importeren` (`importeer`, and the row-by-row path) and `bulk` (the set-based one);
`achtergrond` runs a large file's check or import as a job.
"""

from __future__ import annotations

from subsidies.historische_import.basis import (
    BESTEDING,
    BETALING,
    GEWIJZIGD,
    KOPPEN,
    NIEUW,
    ONGEWIJZIGD,
    SOORT,
    SOORTEN,
    TOEKENNING,
    Voortgang,
    Wijziging,
    hoort_bij,
    kenmerk,
    sleutel,
)
from subsidies.historische_import.controle import controleer, ontvang, verouderd, vingerafdruk
from subsidies.historische_import.importeren import (
    Resultaat,
    gevolgen,
    importeer,
    ingelezen,
    te_importeren,
)
from subsidies.historische_import.sjabloon import sjabloon
from subsidies.historische_import.voorvertoning import (
    PER_PAGINA,
    Cel,
    Voorbeeldregel,
    voorbeeldregels,
    wijzigingen,
)

__all__ = [
    "BESTEDING",
    "BETALING",
    "GEWIJZIGD",
    "KOPPEN",
    "NIEUW",
    "ONGEWIJZIGD",
    "PER_PAGINA",
    "SOORT",
    "SOORTEN",
    "TOEKENNING",
    "Cel",
    "Resultaat",
    "Voorbeeldregel",
    "Voortgang",
    "Wijziging",
    "controleer",
    "gevolgen",
    "hoort_bij",
    "importeer",
    "ingelezen",
    "kenmerk",
    "ontvang",
    "sjabloon",
    "sleutel",
    "te_importeren",
    "verouderd",
    "vingerafdruk",
    "voorbeeldregels",
    "wijzigingen",
]
