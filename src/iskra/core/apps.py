from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "iskra.core"
    label = "core"
    verbose_name = "Iskra core"
