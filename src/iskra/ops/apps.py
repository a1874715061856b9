from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "iskra.ops"
    label = "ops"
    verbose_name = "Iskra operations"
