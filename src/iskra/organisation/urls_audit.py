"""The audit log's page, at /audit/ under the URL names ``audit:…``. The log itself
(``iskra.audit``) is ground every app writes to; who may read which entries is the officers'
scope, which is organisation's, so the page lives here."""

from django.urls import path

from iskra.organisation import views_audit as views

app_name = "audit"

urlpatterns = [path("", views.audit_log, name="log")]
