"""A cheap PBKDF2 hasher for tests that need a hash upgrade (not for production)."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
