from django.urls import path

from iskra.meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("bodies/<int:body_id>/meetings/new/", views.meeting_new, name="new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path(
        "meetings/<int:meeting_id>/approve/<int:earlier_id>/",
        views.approve_minutes,
        name="approve_minutes",
    ),
    path("meetings/<int:meeting_id>/invite.ics", views.meeting_ics, name="ics"),
    path("meetings/<int:meeting_id>/<slug:verb>/", views.meeting_action, name="action"),
    path("votes/<int:vote_id>/cast/", views.vote_cast, name="cast"),
    path("votes/<int:vote_id>/close/", views.vote_close, name="close_vote"),
    path("people/<int:user_id>/votes/", views.voting_record, name="voting_record"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="feed"),
]
