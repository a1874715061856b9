from django.urls import path

from iskra.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("glossary/", views.glossary, name="glossary"),
    path("markdown/preview/", views.markdown_preview, name="markdown_preview"),
]
