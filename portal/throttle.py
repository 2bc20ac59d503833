"""Per-client request limits (django-ratelimit), keyed by the address portal/client.py trusts."""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited


def json_refusal(request):
    return JsonResponse({"error": _("Too many requests. Please wait a minute and try again.")}, status=429)


def page_refusal(request):
    return render(request, "portal/rate_limited.html", status=429)


def limited(group, rate_setting, refuse=page_refusal, method=None):
    """Answer with `refuse` once a client has made more than settings.<rate_setting> requests (of `method`) in `group`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            counted = method is None or request.method == method
            # The rate is read per request, so a test or benchmark can change the setting.
            rate = getattr(settings, rate_setting)
            if counted and is_ratelimited(request, group=group, key="ip", rate=rate, increment=True):
                return refuse(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
