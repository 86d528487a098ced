"""``uv run python -m apps.core.upstream``: every mirror's current upstream fingerprint."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django.setup()

from apps.core.upstream import MIRRORS, fingerprint, resolve  # noqa: E402  (after setup)

for mirror in MIRRORS:
    print(f"{fingerprint(resolve(mirror.upstream))}  {mirror.upstream}")
