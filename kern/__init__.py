"""The small shared kernel: the database, accounts, error pages and helpers.

Nothing in here imports a domain package except `kern.app`, whose `create_app` is the one
place that knows them all. This package itself defines nothing, so importing a helper such
as `kern.geld` loads neither the factory nor the models nor Flask-Login.
"""
