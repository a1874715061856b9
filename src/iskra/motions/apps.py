from django.apps import AppConfig


class MotionsConfig(AppConfig):
    name = "iskra.motions"
    label = "motions"
    verbose_name = "Motions"
