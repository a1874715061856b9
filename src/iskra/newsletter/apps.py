from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "iskra.newsletter"
    label = "newsletter"
    verbose_name = "The newsletter"

    def ready(self) -> None:
        from anymail.signals import tracking

        from iskra.newsletter.receivers import on_tracking

        tracking.connect(on_tracking, dispatch_uid="newsletter.tracking")
