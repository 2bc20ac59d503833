"""What a search asks for: the request's parameters, checked once for the page, the API and autocomplete."""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _

from practices.models import Organisation, Scheme, Topic
from practices.vocabulary import LANGUAGE_CODES, AgeGroup, Audience, Country, Language

from .documents import FACETS

MAX_QUERY_LENGTH = 500
MAX_PAGE = 1000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
SORTS = ("relevance", "date")
# Filter parameter → which of the given values exist.
KNOWN_VALUES = {
    "topic": lambda values: Topic.objects.filter(slug__in=values).values_list("slug", flat=True),
    "scheme": lambda values: Scheme.objects.filter(slug__in=values).values_list("slug", flat=True),
    "country": lambda values: [v for v in values if v in Country.values],
    "audience": lambda values: [v for v in values if v in Audience.values],
    "age": lambda values: [v for v in values if v in AgeGroup.values],
    "language": lambda values: [v for v in values if v in Language.values],
    "organisation": lambda values: Organisation.objects.filter(slug__in=values).values_list("slug", flat=True),
}
FILTERS = (*FACETS, "organisation")


class BadRequest(ValueError):
    """A parameter the search cannot take; the message says which and why."""


class FilterField(forms.Field):
    """A repeatable filter parameter: its distinct values, each of which must exist."""

    widget = forms.MultipleHiddenInput

    def __init__(self, name, **kwargs):
        super().__init__(required=False, **kwargs)
        self.name = name

    def clean(self, value):
        values = list(dict.fromkeys(v for v in value or () if v != ""))
        # A value with NUL is unknown without asking: PostgreSQL refuses it in a query (SearchForm.clean says why).
        lookup = [v for v in values if "\x00" not in v]
        known = set(KNOWN_VALUES[self.name](lookup)) if lookup else set()
        unknown = [v for v in values if v not in known]
        if unknown:
            raise forms.ValidationError(
                _("Unknown %(name)s: %(values)s.") % {"name": self.name, "values": ", ".join(unknown[:5])}
            )
        return values


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=False)
    lang = forms.ChoiceField(required=False, choices=[(code, code) for code in LANGUAGE_CODES])
    sort = forms.ChoiceField(required=False, choices=[(sort, sort) for sort in SORTS])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Messages name the parameter as the URL spells it, in the reader's language (set per request).
        self.fields["lang"].error_messages["invalid_choice"] = _("lang must be one of: %(choices)s.") % {
            "choices": ", ".join(LANGUAGE_CODES)
        }
        self.fields["sort"].error_messages["invalid_choice"] = _("sort must be one of: %(choices)s.") % {
            "choices": ", ".join(SORTS)
        }
        for name, high in (("page", MAX_PAGE), ("page_size", MAX_PAGE_SIZE)):
            between = _("%(name)s must be between %(low)d and %(high)d.") % {"name": name, "low": 1, "high": high}
            self.fields[name].error_messages.update(
                invalid=_("%(name)s must be a whole number.") % {"name": name}, min_value=between, max_value=between
            )
        for name in FILTERS:
            self.fields[name] = FilterField(name)

    def clean_q(self):
        q = self.cleaned_data["q"] or ""
        if len(q) > MAX_QUERY_LENGTH:
            raise forms.ValidationError(
                _("The query is too long: at most %(max)d characters.") % {"max": MAX_QUERY_LENGTH}
            )
        return q.strip()

    def clean(self):
        # NUL reaches no analyser or database well (PostgreSQL refuses it in text): refused in any parameter.
        if any("\x00" in value for _name, values in self.data.lists() for value in values):
            raise forms.ValidationError(_("The query contains a character that is not allowed."))
        return super().clean()

    def first_error(self):
        """The message of the first problem, in the order the parameters are listed above."""
        if self.non_field_errors():
            return self.non_field_errors()[0]
        return next(self.errors[name][0] for name in self.fields if name in self.errors)

    def search_request(self):
        """The checked parameters as a SearchRequest; raises BadRequest with the first problem's message."""
        if not self.is_valid():
            raise BadRequest(self.first_error())
        data = self.cleaned_data
        return SearchRequest(
            q=data["q"],
            lang=data["lang"] or "en",
            filters={name: data[name] for name in FILTERS if data[name]},
            page=data["page"] or 1,
            page_size=data["page_size"] or DEFAULT_PAGE_SIZE,
            sort=(data["sort"] or "relevance") if data["q"] else "date",
        )


@dataclass
class SearchRequest:
    q: str = ""
    lang: str = "en"
    filters: dict = field(default_factory=dict)
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str = "relevance"

    @classmethod
    def from_params(cls, params):
        """Check a QueryDict of parameters (SearchForm); raise BadRequest with a message on the first problem."""
        return SearchForm(params).search_request()

    @property
    def start(self):
        return (self.page - 1) * self.page_size
