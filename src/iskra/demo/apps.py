from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "iskra.demo"
    label = "demo"
    verbose_name = "Iskra demo"
