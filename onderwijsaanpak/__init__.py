"""The onderwijsaanpak: the education approach of measure 24.

Words: a *cohort* of municipalities takes part in a *fase* (phase): the *pilot* (from autumn
2015) or the *uitrol* (rollout, from January 2016). Activities are *trainingen* for
*schoolbesturen* (school boards) and *onderwijsprofessionals*, and citizenship and debate
activities for *leerlingen* (pupils), in secondary schools and MBO.
"""
