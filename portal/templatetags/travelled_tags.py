from django import template
from django.utils.translation import get_language

from practices import travelled

from ..feeds import listing_url

register = template.Library()


@register.simple_tag
def related_practices(page):
    """The practice's relations to published practices, each a line of HTML in the reader's language."""
    return travelled.relations_of(page, get_language())


@register.simple_tag
def travelled_url():
    """The page of practices that crossed between the regions, in the reader's language."""
    return f"{listing_url()}travelled/"
