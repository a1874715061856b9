from django.urls import path

from iskra.newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.index, name="index"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletter/<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
    path("newsletter/lists/<int:list_id>/choose/", views.member_choice, name="member_choice"),
    path("newsletter/lists/<int:list_id>/", views.list_page, name="list"),
    path("newsletter/lists/<int:list_id>/write/", views.new_send, name="new_send"),
    path("newsletter/sends/<int:send_id>/", views.send_page, name="send"),
    path("newsletter/sends/<int:send_id>/preview/", views.preview, name="preview"),
    path("newsletter/sends/<int:send_id>/edit/", views.edit_send, name="edit_send"),
    path("newsletter/sends/<int:send_id>/progress/", views.progress, name="progress"),
    path("newsletter/sends/<int:send_id>/test/", views.test_send, name="test"),
    path("newsletter/sends/<int:send_id>/send/", views.queue, name="queue"),
    path("newsletter/sends/<int:send_id>/stop/", views.cancel, name="cancel"),
    path("desk/<int:publication_id>/newsletters/", views.lists, name="lists"),
]
