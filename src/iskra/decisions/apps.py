from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "iskra.decisions"
    label = "decisions"
    verbose_name = "Decisions"
