"""Accounts: who may sign in, and in which role.

Words: a *gebruiker* (user) has one *rol* (role): *beleidsmedewerker* (grant officer),
*gemeente* (staff of exactly one municipality), *financien* (finance) or *beheerder*
(administrator). A user is *actief* until an administrator blocks them.
"""
