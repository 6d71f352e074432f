"""Files the application hands out: workbooks and uploads, always as a private attachment."""

from __future__ import annotations

import io

from flask import send_file
from werkzeug.wrappers import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def als_bijlage(inhoud: bytes, bestandsnaam: str, mimetype: str = XLSX) -> Response:
    """``inhoud`` as a download named ``bestandsnaam``: never shown in the browser, never
    cached (it may hold one municipality's data)."""
    antwoord = send_file(
        io.BytesIO(inhoud),
        mimetype=mimetype,
        as_attachment=True,
        download_name=bestandsnaam,
        etag=False,
        max_age=0,
    )
    antwoord.headers["Cache-Control"] = "private, no-store"
    return antwoord
