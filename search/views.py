"""The search page."""

from django.shortcuts import render

from .results import search_context


def search(request):
    context, status = search_context(request)
    return render(request, "search/search.html", context, status=status)
