"""verantwoordingen pages (being written)."""

from subsidies.views import bp  # noqa: F401
