from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "iskra.api"
    label = "api"
    verbose_name = "API"
