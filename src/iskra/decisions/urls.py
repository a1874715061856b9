from django.urls import path

from iskra.decisions import views

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.register, name="register"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="detail"),
    path("decisions/<int:decision_id>/dissent/", views.dissent_new, name="dissent"),
    path("decisions/<int:decision_id>/actions/new/", views.action_new, name="action_new"),
    path(
        "decisions/<int:decision_id>/accountability/",
        views.decision_dashboard,
        name="decision_dashboard",
    ),
    # One view per verb (the addresses are those of the single view with a verb before).
    path("decisions/<int:decision_id>/publish/", views.decision_publish, name="publish"),
    path("decisions/<int:decision_id>/unpublish/", views.decision_unpublish, name="unpublish"),
    path("decisions/<int:decision_id>/complete/", views.decision_complete, name="complete"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("units/<int:unit_id>/accountability/", views.unit_dashboard, name="dashboard"),
]
