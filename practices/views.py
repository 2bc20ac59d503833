"""Applying to join (the public form, and the moderators' view that accepts an application and invites its editor),
and readers writing to the organisation behind a practice."""

import smtplib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.admin.utils import quote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.models import Site
from wagtail.views import serve

from portal.throttle import limited

from .contact import NobodyToTell, send_message
from .forms import ContactForm, InviteForm, JoinForm
from .models import JoinApplication, PracticePage
from .notifications import notify_moderators_of_application, send_invitation


def _rate_key(request):
    # The client's own address as axes resolves it (AXES_CLIENT_IP_CALLABLE), not the proxy's.
    return f"join-form:{get_client_ip_address(request)}"


def _over_rate_limit(request):
    limit, _window = settings.JOIN_FORM_RATE_LIMIT
    return cache.get(_rate_key(request), 0) >= limit


def _count_submission(request):
    _limit, window = settings.JOIN_FORM_RATE_LIMIT
    key = _rate_key(request)
    # add() starts the window on the first submission only; incr() keeps its expiry.
    cache.add(key, 0, timeout=window)
    cache.incr(key)


def _join_page(request, form, status=200, **extra):
    privacy = {"retention_days": settings.JOIN_APPLICATION_RETENTION_DAYS, "privacy_contact": settings.PRIVACY_CONTACT_EMAIL}
    return render(request, "practices/join.html", {"form": form, **privacy, **extra}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def join(request):
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        if _over_rate_limit(request):
            return _join_page(request, form, status=429, rate_limited=True)
        if form.is_spam():
            # Answer as if it worked, so a bot learns nothing; store and send nothing, and count nothing
            # against the address, which a real applicant behind the same network may share.
            return redirect("join_thanks")
        if form.is_valid():
            _count_submission(request)
            application = form.save(commit=False)
            application.language = get_language()
            application.save()
            notify_moderators_of_application(application)
            return redirect("join_thanks")
    return _join_page(request, form)


def join_thanks(request):
    return render(request, "practices/join_thanks.html")


def _practice_at(request, path):
    """The live, public practice at this path of the site, or None."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    practices = PracticePage.objects.live().public().select_related("organisation")
    return practices.filter(url_path=f"{site.root_page.url_path}{path}").first()


def _contact_page(request, page, form, status=200, **extra):
    context = {"page": page, "form": form, "privacy_contact": settings.PRIVACY_CONTACT_EMAIL, **extra}
    return render(request, "practices/contact.html", context, status=status)


def _refuse_contact(request):
    # Over the limit: the form again, with what was typed, and why it was not sent.
    return _contact_page(request, request.contacted_practice, ContactForm(request.POST), status=429, rate_limited=True)


def contact_organisation(request, path):
    """/<lang>/…/<practice>/contact/: write to the practice's organisation. Any other page's …/contact/ is served as usual."""
    page = _practice_at(request, path)
    if page is None:
        return serve(request, f"{path}contact/")
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_spam():
            # As on the join form: a bot is told it worked; nothing is sent, and nothing counted against the address.
            return redirect(f"{page.get_url(request)}contact/sent/")
        if form.is_valid():
            request.contacted_practice = page
            return _deliver(request, page, form)
    return _contact_page(request, page, form)


@limited("contact", "RATELIMIT_CONTACT", refuse=_refuse_contact, method="POST")
def _deliver(request, page, form):
    """Send a valid message; only these count against the client's limit, so typing mistakes cost nothing."""
    data = form.cleaned_data
    try:
        to_moderators = send_message(page, data["name"], data["email"], data["message"])
    except NobodyToTell:
        return _contact_page(request, page, form, status=503, undeliverable=True)
    except (smtplib.SMTPException, OSError):
        # The mail server is unreachable or refused: the sender keeps the message and may try again.
        return _contact_page(request, page, form, status=503, mail_failed=True)
    sent_url = f"{page.get_url(request)}contact/sent/"
    return redirect(f"{sent_url}?to=moderators" if to_moderators else sent_url)


def contact_sent(request, path):
    page = _practice_at(request, path)
    if page is None:
        return serve(request, f"{path}contact/sent/")
    return render(request, "practices/contact_sent.html", {"page": page, "to_moderators": request.GET.get("to") == "moderators"})


class InviteView(WagtailAdminTemplateMixin, FormView):
    """Accept an application: create the organisation and its first editor, and mail them a set-password link."""

    template_name = "practices/admin/invite.html"
    form_class = InviteForm
    page_title = gettext_lazy("Accept and invite")
    header_icon = "mail"

    def dispatch(self, request, pk):
        if not request.user.has_perm("practices.change_joinapplication"):
            raise PermissionDenied
        self.application = get_object_or_404(JoinApplication, pk=pk)
        if self.application.status != JoinApplication.Status.NEW:
            messages.error(request, _("This application has been decided already."))
            return redirect(self.inspect_url())
        return super().dispatch(request, pk)

    def inspect_url(self):
        return reverse("wagtailsnippets_practices_joinapplication:inspect", args=[quote(self.application.pk)])

    def get_page_subtitle(self):
        return self.application.organisation_name

    def get_initial(self):
        return InviteForm.initial_for(self.application)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            application=self.application,
            action_url=self.request.path,
            submit_button_label=_("Create the organisation and send the invitation"),
            **kwargs,
        )

    def form_valid(self, form):
        with transaction.atomic():
            organisation, user = form.save(self.application, by=self.request.user)
            self.application.status = JoinApplication.Status.ACCEPTED
            self.application.organisation = organisation
            self.application.save()
            log(
                self.application,
                "practices.accept_application",
                user=self.request.user,
                data={"organisation": organisation.slug},
            )
        send_invitation(user, organisation)
        messages.success(
            self.request,
            _("%(organisation)s was created and %(email)s was invited.") % {"organisation": organisation, "email": user.email},
        )
        return redirect(self.inspect_url())


# A reader may ask once per practice and language in this many seconds; nothing about them is stored.
TRANSLATION_REQUEST_WINDOW = 24 * 3600


@require_http_methods(["POST"])
def request_translation(request, page_id):
    """Count a reader's request for a practice in their language, then show the practice again."""
    from django.db.models import F
    from django.http import HttpResponseBadRequest

    from .models import PracticePage, TranslationRequest

    page = get_object_or_404(PracticePage.objects.live(), pk=page_id)
    language = request.POST.get("language", "")
    if language not in ("en", "ja"):
        return HttpResponseBadRequest(_("Choose English or Japanese."))
    if language in page.languages:
        return redirect(page.get_url(request))
    # The cache key is a digest: the reader's address is never kept, even in the cache.
    key = "translation-request:" + _digest(f"{get_client_ip_address(request)}:{page.pk}:{language}")
    if cache.add(key, 1, timeout=TRANSLATION_REQUEST_WINDOW):
        counter, _created = TranslationRequest.objects.get_or_create(page=page, language=language)
        TranslationRequest.objects.filter(pk=counter.pk).update(count=F("count") + 1)
    return redirect(page.get_url(request) + "?translation_requested=1#translation-request")


def _digest(text):
    import hashlib

    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
