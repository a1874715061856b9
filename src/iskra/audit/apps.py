from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "iskra.audit"
    label = "audit"
    verbose_name = "Audit log"
