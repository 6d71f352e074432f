"""The app factory lives in `kern.app`: importing a kernel helper loads no factory, and the
factory configures the application's logging from its settings."""

from __future__ import annotations

import ast
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from kern.app import PROJECT, create_app
from kern.config import APPLICATION_LOGGERS


def test_importing_a_kernel_helper_loads_neither_the_factory_nor_flask_login():
    programma = (
        "import sys, kern.geld; "
        "print(sorted({'kern.app', 'flask_login', 'kern.accounts.models'} & set(sys.modules)))"
    )
    uitvoer = subprocess.run(  # noqa: S603 (this interpreter, a fixed program)
        [sys.executable, "-c", programma],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert uitvoer.stdout.strip() == "[]"


def test_the_kern_package_itself_defines_nothing():
    boom = ast.parse((PROJECT / "kern" / "__init__.py").read_text(encoding="utf-8"))

    assert ast.get_docstring(boom)
    assert len(boom.body) == 1  # the docstring, and nothing else


@pytest.fixture
def loggers_hersteld() -> Iterator[None]:
    """The factory configures process-wide loggers; put them back for the next tests."""
    loggers = [logging.getLogger(naam) for naam in APPLICATION_LOGGERS]
    bewaard = [(logger, logger.level, list(logger.handlers)) for logger in loggers]
    yield
    for logger, niveau, handlers in bewaard:
        logger.setLevel(niveau)
        logger.handlers[:] = handlers


@pytest.mark.parametrize(
    ("omgeving", "debug_zichtbaar"), [("development", True), ("production", False)]
)
def test_the_app_logs_info_in_production_and_debug_in_development(
    app_config, capsys, loggers_hersteld, omgeving, debug_zichtbaar
):
    instellingen = {**app_config, "APP_ENV": omgeving, "TESTING": False}
    if omgeving == "production":
        instellingen |= {"SECRET_KEY": "x" * 40, "WACHTWOORD_HASH": "scrypt"}
    app = create_app(instellingen)

    app.logger.debug("een debugregel")
    app.logger.info("een inforegel")
    logging.getLogger("subsidies.services").info("een regel van een domein")

    fouten = capsys.readouterr().err
    assert ("een debugregel" in fouten) is debug_zichtbaar
    assert "INFO in kern: een inforegel" in fouten
    assert "INFO in subsidies.services: een regel van een domein" in fouten


def test_a_logging_setting_replaces_the_default(app_config, capsys, loggers_hersteld):
    eigen = {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
        "loggers": {"kern": {"level": "WARNING", "handlers": ["stderr"]}},
    }
    app = create_app({**app_config, "APP_ENV": "development", "TESTING": False, "LOGGING": eigen})

    app.logger.info("niet te zien")
    app.logger.warning("wel te zien")

    fouten = capsys.readouterr().err
    assert "niet te zien" not in fouten
    assert "wel te zien" in fouten
