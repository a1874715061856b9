from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "iskra.accounts"
    label = "accounts"
    verbose_name = "Accounts"
