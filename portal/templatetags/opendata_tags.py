from django import template

from portal import feeds, licence, linked_data

register = template.Library()


@register.simple_tag(takes_context=True)
def feed_links(context):
    """The Atom feeds a page advertises in its <head>: all practices, and the page subject's own."""
    return feeds.feed_links(context.get("subject"), context.get("subject_kind"))


@register.simple_tag(takes_context=True)
def practice_json_ld(context, page):
    """The practice's schema.org description for search engines and other programs."""
    return linked_data.script(linked_data.practice(page, context["request"]))


@register.simple_tag
def collection_licence():
    """The licence the portal states for every practice: {name, url, title}."""
    return {"name": licence.NAME, "url": licence.URL, "title": licence.TITLE}
