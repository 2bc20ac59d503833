from django import template
from django.utils.translation import get_language

from practices import travelled

register = template.Library()


@register.simple_tag
def related_practices(page):
    """The practice's relations to published practices, each a line of HTML in the reader's language."""
    return travelled.relations_of(page, get_language())
