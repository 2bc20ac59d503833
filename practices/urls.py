from django.urls import path, re_path

from . import views

# Included under i18n_patterns: /en/join/ and /ja/join/.
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/thanks/", views.join_thanks, name="join_thanks"),
    path("translation-requests/<int:page_id>/", views.request_translation, name="request_translation"),
    # Under a practice's own address; any other page's contact/ falls through to Wagtail.
    re_path(r"^(?P<path>(?:[-\w]+/)+)contact/$", views.contact_organisation, name="contact_organisation"),
    re_path(r"^(?P<path>(?:[-\w]+/)+)contact/sent/$", views.contact_sent, name="contact_sent"),
]
