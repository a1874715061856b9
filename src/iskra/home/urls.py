from django.urls import path

from iskra.home import views

app_name = "home"

urlpatterns = [path("", views.home, name="home")]

# A unit's page shows what several apps know of the unit, so it is served from here, above them;
# its URL names stay in the organisation's namespace (organisation:root, organisation:unit),
# where iskra.urls puts them together with the organisation's own pages.
unit_pages = [
    path("units/", views.unit_root, name="root"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
]
