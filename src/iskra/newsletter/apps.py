from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "iskra.newsletter"
    label = "newsletter"
    verbose_name = "The newsletter"

    def ready(self) -> None:
        from anymail.signals import tracking

        from iskra.accounts.signals import email_changed
        from iskra.newsletter.receivers import on_email_changed, on_tracking

        tracking.connect(on_tracking, dispatch_uid="newsletter.tracking")
        email_changed.connect(on_email_changed, dispatch_uid="newsletter.email_changed")
