from django.urls import path

from iskra.meetings import views, views_attendance, views_positions, views_proxies

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
    # One view per verb (the addresses are those of the single view with a verb before).
    path("meetings/<int:meeting_id>/open/", views_attendance.meeting_open, name="open"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="close"),
    path("meetings/<int:meeting_id>/sign-in/", views_attendance.meeting_sign_in, name="sign_in"),
    path("meetings/<int:meeting_id>/mark/", views.meeting_mark, name="mark"),
    path("meetings/<int:meeting_id>/agenda/", views.meeting_agenda, name="agenda"),
    path("meetings/<int:meeting_id>/hands/", views.meeting_hands, name="hands"),
    path("meetings/<int:meeting_id>/vote/", views.meeting_vote, name="vote"),
    path("votes/<int:vote_id>/cast/", views.vote_cast, name="cast"),
    path("votes/<int:vote_id>/split/", views.vote_split, name="split"),
    path("votes/<int:vote_id>/close/", views.vote_close, name="close_vote"),
    path("people/<int:user_id>/votes/", views.voting_record, name="voting_record"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="feed"),
    # Recording a meeting held earlier; the register, replies, the room's code.
    path("bodies/<int:body_id>/meetings/record/", views_attendance.meeting_record, name="record"),
    path("meetings/<int:meeting_id>/register/", views_attendance.meeting_register, name="register"),
    path("meetings/<int:meeting_id>/reply/", views_attendance.meeting_reply, name="reply"),
    path("meetings/<int:meeting_id>/code/", views_attendance.meeting_code, name="code"),
    # Proxies: naming one, taking it back, declining one.
    path("meetings/<int:meeting_id>/proxy/", views_proxies.meeting_proxy, name="proxy"),
    path(
        "meetings/<int:meeting_id>/proxy/withdraw/",
        views_proxies.proxy_withdraw,
        name="proxy_withdraw",
    ),
    path(
        "meetings/<int:meeting_id>/proxy/decline/<int:member_id>/",
        views_proxies.proxy_decline,
        name="proxy_decline",
    ),
    path(
        "meetings/<int:meeting_id>/register/<int:user_id>/undo/",
        views_attendance.meeting_undo,
        name="undo",
    ),
]

# A branch meeting deciding the branch's position on a motion circulated to it.
urlpatterns += [
    path(
        "meetings/<int:meeting_id>/agenda/circulated/",
        views_positions.meeting_agenda_circulated,
        name="agenda_circulated",
    ),
    path(
        "meetings/<int:meeting_id>/position/<int:motion_id>/",
        views_positions.meeting_position,
        name="position",
    ),
]
