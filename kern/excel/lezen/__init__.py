"""Reading workbooks safely: the bytes check, the scan, python-calamine and openpyxl.

Every check that can be done on the raw bytes runs before a parser sees the file
(`controle.controleer_xlsx`): the file must be a real .xlsx (a zip with an ``xl/workbook.xml``
part), not an old or encrypted OLE2 file, a web page or a csv file, not a macro workbook, not a zip
bomb, no two parts may share a name, and no XML part may carry a DOCTYPE (entity expansion, external
entities).

Two readers follow it:

- `calamine.lees_blad`, for imports: one sheet, fast and with bounded memory, read by
  python-calamine (Rust: 100,000 rows of 8 columns in about 1.3 s all in, where openpyxl's read-only
  mode takes 6 to 13). calamine has one property that shapes everything around it: it builds a sheet
  as one dense block from its first to its last non-empty cell, so a 5 kB file with values in A1 and
  XFD1048576 makes it ask for half a terabyte and the process aborts, which no ``except`` can catch.
  So calamine never sees a sheet that has not been scanned first, and the limits themselves are
  capped (`MAX_CELLEN`). The scan (`verkenning`) streams the sheet's XML a megabyte at a time with
  byte-level regular expressions (a few passes in C per megabyte, no Python work per ordinary cell)
  and refuses a cell with content outside ``max_rijen`` x ``max_kolommen``, a cell without a
  reference (calamine would count positions itself; Excel, LibreOffice and openpyxl always write
  references, so such a file is refused rather than read another way), too many merged ranges, more
  cells than the limits hold, a DOCTYPE. Empty cells far away (a styled range, an old selection) are
  no reason to refuse: calamine drops empty cells; the ``<dimension>`` element, which only sizes a
  buffer, is removed. What calamine then reads is a workbook written here, to a temporary file, from
  the bytes the scan saw (the sheet, the shared strings and the styles, with a workbook part and
  relationships of our own), so no difference between Python's zip reader and calamine's (a part
  that lies about its size, names that differ only in case, how a relationship target is resolved)
  can make calamine read bytes that were not checked. Parts it does not read are not checked for a
  DOCTYPE. That workbook holds the sheet cut at row boundaries into parts of at most `DEEL_RIJEN`
  rows and about `DEEL_BYTES` bytes, each a sheet of its own (with the sheet's own beginning; the
  shared strings are read once), and calamine reads one part at a time as the rows are taken,
  dropping each before it reads the next: its memory does not grow with the number of rows (a sheet
  that cannot be cut safely is read whole, as before). The scan of the whole sheet is done, and the
  file removed, before the first row is given.
- `openpyxl_lezer.lees_rijen`, openpyxl's read-only mode on the first sheet, for the CBS list:
  slower, but it never builds a sheet in memory, so it needs no scan.
"""
