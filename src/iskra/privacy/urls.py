from django.urls import path

from iskra.privacy import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data.json", views.my_data_json, name="my_data_json"),
    path("members/<int:membership_id>/erase/", views.erase, name="erase"),
]
