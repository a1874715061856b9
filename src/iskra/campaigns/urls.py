from django.urls import path

from iskra.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("events/", views.index, name="index"),
    path("events/<int:event_id>/", views.event, name="event"),
    path("events/<int:event_id>.ics", views.ics, name="ics"),
    path("events/<int:event_id>/rsvp/", views.rsvp, name="rsvp_member"),
    path("events/<int:event_id>/rsvp/public/", views.rsvp_public, name="rsvp_public"),
    path("events/<int:event_id>/not-coming/", views.withdraw, name="withdraw"),
    path("events/rsvp/<str:rsvp_token>/", views.rsvp_page, name="rsvp"),
    path("events/<int:event_id>/edit/", views.edit_event, name="edit"),
    path("events/<int:event_id>/cancel/", views.cancel, name="cancel"),
    path("events/<int:event_id>/door/", views.door, name="door"),
    path("events/<int:event_id>/door/<str:door_code>/", views.scanned, name="scanned"),
    path("events/<int:event_id>/check-in/<int:rsvp_id>/", views.check_in, name="check_in"),
    path("events/<int:event_id>/walk-in/", views.walk_in, name="walk_in"),
    path("events/<int:event_id>/report/", views.report, name="report"),
    path("events/<int:event_id>/shifts/new/", views.new_shift, name="new_shift"),
    path("events/<int:event_id>/shifts/<int:shift_id>/sign-up/", views.sign_up, name="sign_up"),
    path(
        "events/<int:event_id>/shifts/<int:shift_id>/leave/", views.leave_shift, name="leave_shift"
    ),
    path("units/<int:unit_id>/events/new/", views.new_event, name="new_event"),
    path("units/<int:unit_id>/campaigns/new/", views.new_campaign, name="new_campaign"),
    path("campaigns/<str:campaign_slug>/", views.campaign, name="campaign"),
]
