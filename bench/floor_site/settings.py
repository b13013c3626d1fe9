"""Settings of the floor project (see __init__.py). The benchmark passes the
database and the secret in the environment; nothing here is for production."""

import os
from pathlib import Path

import dj_database_url

HERE = Path(__file__).resolve().parent

DEBUG = False
SECRET_KEY = os.environ["FLOOR_SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {"default": dj_database_url.parse(os.environ["FLOOR_DATABASE_URL"], conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"]
# What any logged-in Django page goes through; the app adds its own on top.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
# Its own cookie name: a virtual learner's Cookie header carries the app's
# session and this one, and each server reads its own.
SESSION_COOKIE_NAME = "floor_sessionid"
ROOT_URLCONF = "bench.floor_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
USE_TZ = True
TIME_ZONE = "UTC"
LOGIN_URL = "/login/"
