"""Open-data pages and feeds, included under /en/ and /ja/."""

from django.urls import path

from . import compare, downloads, feeds, statistics

urlpatterns = [
    path("open-data/", downloads.open_data, name="opendata"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("compare/<slug:slug>/", compare.compare, name="compare"),
    path("feeds/practices/", feeds.PracticeFeed(), name="feed_practices"),
    path("feeds/topics/<slug:slug>/", feeds.TopicFeed(), name="feed_topic"),
    path("feeds/schemes/<slug:slug>/", feeds.SchemeFeed(), name="feed_scheme"),
    path("feeds/organisations/<slug:slug>/", feeds.OrganisationFeed(), name="feed_organisation"),
    path("feeds/languages/<str:code>/", feeds.LanguageFeed(), name="feed_language"),
]
