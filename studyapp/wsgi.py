import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
django_application = get_wsgi_application()

from studyapp.request_size import measured_body  # noqa: E402 - needs the settings above

application = measured_body(django_application)
