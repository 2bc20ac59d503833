"""Atom feeds of newly published practices: all, per topic, scheme, organisation and language written in."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from practices.models import Organisation, PracticeIndexPage, PracticePage, Scheme, Topic
from practices.vocabulary import Language

from . import licence

FEED_LENGTH = 30


class BilingualAtom1Feed(Atom1Feed):
    """Atom whose entries say their own language where it differs from the feed's."""

    def item_attributes(self, item):
        lang = item.get("lang")
        return {"xml:lang": lang} if lang and lang != self.feed["language"] else {}


def listing_url():
    listing = PracticeIndexPage.objects.live().first()
    return listing.get_url() if listing else f"/{get_language()}/"


class PracticeFeed(Feed):
    """The newest published practices, newest first, each in the reader's language where it has a version."""

    feed_type = BilingualAtom1Feed

    def title(self, obj):
        return _("New practices · Safer Internet Practice Exchange")

    def link(self, obj):
        return listing_url()

    def subtitle(self, obj):
        return _("Child-online-safety practices of NGOs in Japan and the European Union, newest first.")

    def feed_copyright(self, obj):
        return f"{licence.NAME} {licence.URL}"

    def practices(self, obj):
        return PracticePage.objects.live().public()

    def items(self, obj):
        return (
            self.practices(obj)
            .select_related("organisation")
            .prefetch_related("topics")
            .order_by("-first_published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.text_in("title")[0]

    def item_description(self, item):
        # Atom summaries are sent as HTML; the summary is plain text.
        return escape(item.text_in("summary")[0])

    def item_link(self, item):
        return item.get_url()

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at

    def item_author_name(self, item):
        return item.organisation.name_in() if item.organisation else None

    def item_categories(self, item):
        return [topic.name_in() for topic in item.topics.all()]

    def item_copyright(self, item):
        return f"{licence.NAME} {licence.URL}"

    def item_extra_kwargs(self, item):
        return {"lang": item.text_in("title")[1]}


class TopicFeed(PracticeFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj):
        return _("New practices on %(topic)s · Safer Internet Practice Exchange") % {"topic": obj.name_in()}

    def link(self, obj):
        return f"{listing_url()}topics/{obj.slug}/"

    def practices(self, obj):
        return super().practices(obj).filter(topics=obj)


class SchemeFeed(PracticeFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Scheme, slug=slug)

    def title(self, obj):
        return _("New practices under %(scheme)s · Safer Internet Practice Exchange") % {"scheme": obj.name_in()}

    def link(self, obj):
        return f"{listing_url()}schemes/{obj.slug}/"

    def practices(self, obj):
        return super().practices(obj).filter(schemes=obj)


class OrganisationFeed(PracticeFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Organisation, slug=slug)

    def title(self, obj):
        return _("New practices of %(organisation)s · Safer Internet Practice Exchange") % {
            "organisation": obj.name_in()
        }

    def link(self, obj):
        page = getattr(obj, "page", None)
        return page.get_url() if page else listing_url()

    def practices(self, obj):
        return super().practices(obj).filter(organisation=obj)


class LanguageFeed(PracticeFeed):
    """Practices written in one language: those with a title and a summary in it."""

    def get_object(self, request, code):
        if code not in Language.values:
            raise Http404("No such language.")
        return Language(code)

    def title(self, obj):
        return _("New practices written in %(language)s · Safer Internet Practice Exchange") % {
            "language": obj.label
        }

    def link(self, obj):
        return f"{listing_url()}?language={obj.value}"

    def practices(self, obj):
        return super().practices(obj).filter(**{f"title_{obj.value}__gt": "", f"summary_{obj.value}__gt": ""})


def feed_links(subject=None, kind=None):
    """The feeds a page advertises: all practices, and its subject's own feed if it has one."""
    links = [{"title": _("New practices"), "url": reverse("feed_practices")}]
    if subject is not None and kind in ("topic", "scheme", "organisation"):
        links.append({"title": _("New practices: %(name)s") % {"name": subject.name_in()},
                      "url": reverse(f"feed_{kind}", args=[subject.slug])})
    return links
