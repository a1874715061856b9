from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "iskra.ballots"
    label = "ballots"
    verbose_name = "Secret ballots"
