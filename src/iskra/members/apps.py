from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "iskra.members"
    label = "members"
    verbose_name = "Members"
