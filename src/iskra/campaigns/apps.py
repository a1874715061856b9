from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "iskra.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns and events"
