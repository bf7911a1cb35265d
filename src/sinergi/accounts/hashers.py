"""Argon2id with OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1).

Django's defaults (m = 100 MiB) are heavier than OWASP asks for; with 19 MiB a burst of a
thousand logins fits on a two-core server (DESIGN rule 11).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idOwaspHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
