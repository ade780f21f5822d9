"""Settings of the benchmark peer (scripts/bench/web.sh).

Two SQLite databases: `default` holds Django's own tables (users, sessions),
`helpdesk` is the help desk's helpdesk.db, read through unmanaged models
(peer.models) that the router (peer.routers) sends there. Paths come from
PEER_AUTH_DB and PEER_HELPDESK_DB (default: files in the working directory).
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnop")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "peer",
]

# Django's default stack (startproject's, without the messages framework and the admin).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "peer.urls"
WSGI_APPLICATION = "peer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]

# Persistent connections (a common production setting; Django's default reopens per request).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PEER_AUTH_DB", "peer_auth.sqlite3"),
        "CONN_MAX_AGE": None,
    },
    "helpdesk": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PEER_HELPDESK_DB", "helpdesk.db"),
        "CONN_MAX_AGE": None,
    },
}
DATABASE_ROUTERS = ["peer.routers.HelpdeskRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
LOGIN_URL = "/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
