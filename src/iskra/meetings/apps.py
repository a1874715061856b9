from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "iskra.meetings"
    label = "meetings"
    verbose_name = "Meetings"
