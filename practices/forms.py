"""The public form to apply to join, and the moderators' form to accept an application and invite its editor."""

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.users.models import UserProfile

from .models import JoinApplication, Organisation
from .permissions import add_editor
from .vocabulary import Country, Language

HONEYPOT = "phone"
# Bidirectional embeddings, overrides and isolates: in a moderator's e-mail they could make a name
# read as if it were part of the message around it.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def has_invisible_controls(value, allowed=""):
    return any((unicodedata.category(char) == "Cc" and char not in allowed) or char in BIDI_CONTROLS for char in value)


def refuse_invisible_controls(value):
    if has_invisible_controls(value):
        raise forms.ValidationError(_("Remove the invisible control characters from this name."))
    return value


class JoinForm(forms.ModelForm):
    # Hidden from people (CSS, aria-hidden, no tab stop); a bot that fills in every field gives itself away.
    phone = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = JoinApplication
        fields = ["organisation_name", "country", "website", "contact_name", "email", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "organisation_name": _("In English, Japanese or both."),
            "message": _("What your organisation does for children's safety online, and which practices you would share."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT].widget.attrs.update(tabindex="-1", autocomplete="off")
        # Countries in the reader's language and alphabet order; a Japanese reader finds 日本 first.
        blank, *countries = self.fields["country"].choices
        countries.sort(key=lambda choice: str(choice[1]))
        if get_language() == "ja":
            countries.sort(key=lambda choice: choice[0] != Country.JP)
        self.fields["country"].choices = [blank, *countries]

    def clean_organisation_name(self):
        return refuse_invisible_controls(self.cleaned_data["organisation_name"])

    def clean_contact_name(self):
        return refuse_invisible_controls(self.cleaned_data["contact_name"])

    def is_spam(self):
        return bool(self.data.get(HONEYPOT))


class ContactForm(forms.Form):
    """A reader's message to an organisation's editors: sent by e-mail, never stored (practices/contact.py)."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Your e-mail address"), help_text=_("The organisation replies to this address. You get a copy of your message.")
    )
    message = forms.CharField(label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    # The honeypot, as on the join form.
    phone = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT].widget.attrs.update(tabindex="-1", autocomplete="off")
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")

    def clean_name(self):
        return refuse_invisible_controls(self.cleaned_data["name"])

    def clean_message(self):
        message = self.cleaned_data["message"]
        # Line breaks and tabs belong in a message; other control and direction characters do not.
        if has_invisible_controls(message, allowed="\n\r\t"):
            raise forms.ValidationError(_("Remove the invisible control characters from this message."))
        return message

    def is_spam(self):
        return bool(self.data.get(HONEYPOT))


class InviteForm(forms.Form):
    """A new organisation and its first editor, prefilled from an application."""

    slug = forms.SlugField(
        label=_("Organisation slug"), max_length=80, help_text=_("Lower-case letters, digits and hyphens; used in addresses.")
    )
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    name_ja = forms.CharField(label=_("Name in Japanese"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    username = forms.CharField(label=_("Editor's user name"), max_length=150)
    email = forms.EmailField(label=_("Editor's e-mail address"))
    language = forms.ChoiceField(label=_("Editor's interface language"), choices=Language.choices)

    @classmethod
    def initial_for(cls, application):
        name = application.organisation_name
        written_in_english = name.isascii()
        return {
            "slug": slugify(name)[:80],
            "name_en": name if written_in_english else "",
            "name_ja": "" if written_in_english else name,
            "country": application.country,
            "username": application.email.split("@")[0],
            "email": application.email,
            "language": application.language,
        }

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Organisation.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("An organisation with this slug exists already."))
        return slug

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address exists already."))
        return email

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name_en") or cleaned.get("name_ja")):
            self.add_error("name_en", _("Give a name in English, Japanese or both."))
        return cleaned

    def save(self, application, by):
        """Create the organisation (and its page), the editor without a usable password, and their group membership."""
        data = self.cleaned_data
        organisation = Organisation(
            slug=data["slug"],
            name_en=data["name_en"],
            name_ja=data["name_ja"],
            country=data["country"],
            url=application.website,
        )
        organisation.full_clean()
        organisation.save()
        log(organisation, "wagtail.create", user=by)
        user = get_user_model()(username=data["username"], email=data["email"])
        # They choose their own password through the invitation link.
        user.set_unusable_password()
        user.save()
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = data["language"]
        profile.save()
        log(user, "practices.invite_editor", user=by, data={"organisation": organisation.slug})
        add_editor(user, organisation, by=by)
        return organisation, user
