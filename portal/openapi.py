"""/api/openapi.json: the search API's OpenAPI 3 description, with the filter values the database knows."""

import copy
from functools import cache
from pathlib import Path

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from practices.loaders import read_yaml
from practices.models import Organisation, Scheme, Topic
from practices.vocabulary import AgeGroup, Audience, Country, Language

SPEC_FILE = Path(__file__).resolve().parent / "data" / "openapi.yaml"


@cache
def template():
    return read_yaml(SPEC_FILE)


def filter_values():
    """Each filter parameter's allowed values: an unknown one answers 400."""
    return {
        "topic": list(Topic.objects.values_list("slug", flat=True)),
        "scheme": list(Scheme.objects.values_list("slug", flat=True)),
        "organisation": list(Organisation.objects.values_list("slug", flat=True)),
        "country": list(Country.values),
        "audience": list(Audience.values),
        "age": list(AgeGroup.values),
        "language": list(Language.values),
    }


def build():
    spec = copy.deepcopy(template())
    parameters = spec["components"]["parameters"]
    for name, values in filter_values().items():
        schema = parameters[name]["schema"]
        if values:
            # An empty value is ignored, as HTML forms send one for a select left alone.
            schema["items"]["enum"] = [*values, ""]
        else:
            schema["items"]["enum"] = [""]
    return spec


@require_GET
def openapi(request):
    return JsonResponse(build(), json_dumps_params={"ensure_ascii": False})
