"""Excel files of the versterkingsgelden: the pre-filled return template."""

from __future__ import annotations

import io

from flask import flash, redirect, send_file, url_for
from werkzeug.wrappers import Response

from kern.accounts.access import toegang
from kern.accounts.models import Rol
from subsidies import excel, services
from subsidies.views import beschikking_of_404, bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/beschikkingen/<int:beschikking_id>/verantwoording.xlsx")
@toegang(Rol.GEMEENTE, Rol.BELEIDSMEDEWERKER)
def verantwoording_sjabloon(beschikking_id: int) -> Response:
    beschikking = beschikking_of_404(beschikking_id)
    if beschikking.status not in services.BESLOTEN:
        flash(
            f"Deze beschikking is {beschikking.status.toestand}; er is geen Excel-sjabloon "
            "voor de verantwoording.",
            "fout",
        )
        return redirect(url_for("subsidies.beschikking", beschikking_id=beschikking.id))
    antwoord = send_file(
        io.BytesIO(excel.verantwoording_sjabloon(beschikking)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=excel.bestandsnaam(beschikking),
        etag=False,
        max_age=0,
    )
    antwoord.headers["Cache-Control"] = "private, no-store"
    return antwoord
