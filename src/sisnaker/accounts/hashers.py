"""The password hasher: Argon2id at OWASP's parameters (Password Storage Cheat Sheet: 19 MiB of memory,
2 iterations, 1 lane), through Django's own Argon2 hasher and its encoding.

Django's defaults (100 MiB, 8 lanes) cost ~100 MiB per concurrent sign-up or log-in: at a Prakerja peak a web
machine with 16 workers would need 1.6 GB for hashing alone. OWASP's first setting costs 19 MiB and, with one
lane, one core per hash, so that throughput grows with cores and memory stays bounded
(``bench/bench_hashers.py`` measures it; docs/operations.md turns it into a capacity plan).

The algorithm name stays Django's ``argon2``: hashes are Django's standard encoding, and those made with other
parameters (Django's defaults) verify and are re-hashed at the next log-in (``must_update``), as PBKDF2 hashes
are, because this hasher comes first in ``PASSWORD_HASHERS``.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id (Django's Argon2 hasher uses the id variant) with m=19 MiB, t=2, p=1."""

    memory_cost = OWASP_MEMORY_KIB
    time_cost = OWASP_TIME_COST
    parallelism = OWASP_PARALLELISM
