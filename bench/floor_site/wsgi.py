import os

# Set, not setdefault: the benchmark's environment names studyapp's settings.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.floor_site.settings"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
