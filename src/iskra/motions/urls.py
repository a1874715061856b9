from django.urls import path

from iskra.motions import views, views_bulletins

app_name = "motions"

urlpatterns = [
    path("motions/", views.motion_list, name="list"),
    path("motions/new/", views.motion_new, name="new"),
    path("motions/<int:motion_id>/", views.motion_detail, name="detail"),
    path("motions/<int:motion_id>/edit/", views.motion_edit, name="edit"),
    path("motions/<int:motion_id>/discussion/", views.motion_discussion, name="open_discussion"),
    path("motions/<int:motion_id>/amend/", views.amendment_new, name="amend"),
    path("motions/<int:motion_id>/position/", views.position_new, name="position"),
    path("motions/<int:motion_id>/posts/", views.post_new, name="post"),
    path("motions/<int:motion_id>/state/", views.state_of_discussion, name="state"),
    path("motions/<int:motion_id>/remind/", views.remind_branches, name="remind"),
    # One view per verb (the addresses are those of the single view with a verb before).
    path("motions/<int:motion_id>/support/", views.motion_support, name="support"),
    path("motions/<int:motion_id>/unsupport/", views.motion_unsupport, name="unsupport"),
    path("motions/<int:motion_id>/submit/", views.motion_submit, name="submit"),
    path("motions/<int:motion_id>/admit/", views.motion_admit, name="admit"),
    path("motions/<int:motion_id>/rule_out/", views.motion_rule_out, name="rule_out"),
    path("motions/<int:motion_id>/remit/", views.motion_remit, name="remit"),
    path("motions/<int:motion_id>/withdraw/", views.motion_withdraw, name="withdraw"),
    path(
        "motions/<int:motion_id>/agree_composite/",
        views.motion_agree_composite,
        name="agree_composite",
    ),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/hide/", views.post_hide, name="post_hide"),
    path("bodies/<int:body_id>/composite/", views.composite_new, name="composite"),
    path("bulletins/", views_bulletins.bulletin_list, name="bulletins"),
    path("bulletins/new/<int:body_id>/", views_bulletins.bulletin_new, name="bulletin_new"),
    path("bulletins/<int:bulletin_id>/", views_bulletins.bulletin_detail, name="bulletin"),
    path(
        "bulletins/<int:bulletin_id>/publish/",
        views_bulletins.bulletin_publish,
        name="bulletin_publish",
    ),
    path("bulletins/<int:bulletin_id>/pdf/", views_bulletins.bulletin_pdf, name="bulletin_pdf"),
]
