from django.urls import path

from iskra.organisation import views

app_name = "organisation"

urlpatterns = [
    path("units/<int:unit_id>/add/", views.unit_add_child, name="unit_add"),
    path("units/<int:unit_id>/move/", views.unit_move, name="unit_move"),
    path("units/<int:unit_id>/bodies/add/", views.body_add, name="body_add"),
    path("bodies/<int:body_id>/", views.body_detail, name="body"),
    path("bodies/<int:body_id>/standing-orders/", views.standing_orders, name="standing_orders"),
    path("bodies/<int:body_id>/seats/add/", views.seat_add, name="seat_add"),
    path("seats/<int:seat_id>/appoint/", views.seat_appoint, name="seat_appoint"),
    path("terms/<int:holding_id>/end/", views.holding_end, name="holding_end"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/unit-kinds/", views.unit_kind_add, name="unit_kind_add"),
]
