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
    # Last among the decision's routes: the verb would match any word.
    path("decisions/<int:decision_id>/<slug:verb>/", views.decision_action, name="decision_action"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("units/<int:unit_id>/accountability/", views.unit_dashboard, name="dashboard"),
]
