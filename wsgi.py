"""Entry point for gunicorn and ``flask --app wsgi``."""

from kern import create_app

app = create_app()
