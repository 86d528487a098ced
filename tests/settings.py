"""The project's settings with a fast password hasher first: the tests' settings.

Hashing with the production hasher (PBKDF2, over a million iterations) cost
0.3-1 s for each user a test made and each login it did: most of the suite's
time. MD5 makes the hashes the tests create; the production hashers stay
listed, so their hashes still verify (tests of a hash upgrade set their own).
pytest-django exports ``DJANGO_SETTINGS_MODULE``, so every server and worker
a test starts uses this module too. Never for anything but tests.
"""

from django.conf import global_settings

from project.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *global_settings.PASSWORD_HASHERS,
]
