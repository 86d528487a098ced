from typing import override

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    @override
    def ready(self) -> None:
        from apps.accounts import schema, signals  # noqa: F401  (registers receivers, schema)
