"""Entry point for gunicorn and ``flask --app wsgi``."""

from kern.app import create_app

app = create_app()
