from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "iskra.organisation"
    label = "organisation"
    verbose_name = "Organisation"
