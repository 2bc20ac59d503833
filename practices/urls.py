from django.urls import path

from . import views

# Included under i18n_patterns: /en/join/ and /ja/join/.
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/thanks/", views.join_thanks, name="join_thanks"),
    path("translation-requests/<int:page_id>/", views.request_translation, name="request_translation"),
]
