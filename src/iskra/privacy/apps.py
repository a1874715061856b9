from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "iskra.privacy"
    label = "privacy"
    verbose_name = "Data rights"
