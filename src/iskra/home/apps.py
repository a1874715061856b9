from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "iskra.home"
    label = "home"
    verbose_name = "Iskra home"
