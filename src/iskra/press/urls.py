from django.urls import path

from iskra.press import views, views_leaflets, views_media, views_public, views_sales

app_name = "press"

urlpatterns = [
    # The public site.
    path("press/", views_public.index, name="index"),
    path("press/<slug:slug>/", views_public.front, name="front"),
    path("press/<slug:slug>/articles/<str:article_slug>/", views_public.read, name="read"),
    path("press/<slug:slug>/sections/<slug:section_slug>/", views_public.section, name="section"),
    path("press/<slug:slug>/editions/<int:number>/", views_public.edition, name="edition_public"),
    path(
        "press/<slug:slug>/editions/<int:number>/print.pdf",
        views_public.edition_print,
        name="edition_print",
    ),
    path("press/<slug:slug>/send-in/", views_media.send_in, name="send_in"),
    path("press/<slug:slug>/sales/", views_sales.league, name="league"),
    path("press/<slug:slug>/sales/<int:unit_id>/", views_sales.branch, name="branch"),
    path(
        "press/<slug:slug>/sales/<int:unit_id>/record/",
        views_sales.record_sale,
        name="record_sale",
    ),
    path(
        "press/<slug:slug>/sales/<int:unit_id>/contacts/",
        views_sales.add_contact,
        name="add_contact",
    ),
    path(
        "press/<slug:slug>/sales/<int:unit_id>/subscriptions/",
        views_sales.add_subscription,
        name="add_subscription",
    ),
    path(
        "press/<slug:slug>/sales/<int:unit_id>/bundles/<int:edition_id>/",
        views_sales.set_bundle,
        name="set_bundle",
    ),
    path("contacts/<int:contact_id>/<slug:step>/", views_sales.contact_step, name="contact_step"),
    path("press/images/<int:image_id>/<str:digest>/", views_media.image, name="image"),
    path("press/<slug:slug>/feed/atom/", views_public.atom, name="atom"),
    path("press/<slug:slug>/feed/rss/", views_public.rss, name="rss"),
    # The editor's desk.
    path("desk/", views.desk_home, name="desk_home"),
    path("desk/new/", views.new_publication, name="new_publication"),
    path("desk/<int:publication_id>/", views.desk, name="desk"),
    path("desk/<int:publication_id>/write/", views.write, name="write"),
    path("desk/<int:publication_id>/staff/", views.staff, name="staff"),
    path(
        "desk/<int:publication_id>/staff/<int:user_id>/remove/",
        views.remove_staff,
        name="remove_staff",
    ),
    path("desk/<int:publication_id>/sections/", views.add_section, name="add_section"),
    path("desk/<int:publication_id>/editions/new/", views.new_edition, name="new_edition"),
    path("desk/editions/<int:edition_id>/", views.edition, name="edition"),
    path("desk/<int:publication_id>/leaflets/", views_leaflets.index, name="leaflets"),
    path("desk/<int:publication_id>/leaflets/new/", views_leaflets.edit, name="leaflet_new"),
    path(
        "desk/<int:publication_id>/leaflets/<int:leaflet_id>/",
        views_leaflets.edit,
        name="leaflet_edit",
    ),
    path("leaflets/<int:leaflet_id>.pdf", views_leaflets.pdf, name="leaflet_pdf"),
    path("desk/editions/<int:edition_id>/publish/", views.publish_edition, name="publish_edition"),
    path("desk/articles/<int:article_id>/", views.article, name="article"),
    path("desk/articles/<int:article_id>/edit/", views.edit, name="edit"),
    path("desk/articles/<int:article_id>/stop/", views.stop_editing, name="stop_editing"),
    path("desk/articles/<int:article_id>/steps/<slug:name>/", views.step, name="step"),
    path("desk/articles/<int:article_id>/comments/", views.add_comment, name="comment"),
    path("desk/articles/<int:article_id>/edition/", views.place, name="place"),
    path("desk/articles/<int:article_id>/picture/", views_media.picture, name="picture"),
    path(
        "desk/articles/<int:article_id>/picture/remove/",
        views_media.remove_picture,
        name="remove_picture",
    ),
    path(
        "desk/articles/<int:article_id>/revisions/<int:number>/",
        views.revision,
        name="revision",
    ),
]

sitemap_urls = [
    path("sitemap.xml", views_public.sitemap, name="sitemap"),
]
