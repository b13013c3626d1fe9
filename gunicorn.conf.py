"""gunicorn settings; every value can be overridden from the environment."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
wsgi_app = "studyapp.wsgi:application"
# An empty GUNICORN_ACCESSLOG turns the access log off (benchmarks do).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
timeout = 30
# Requests are short; recycle workers now and then so that a leak cannot grow
# forever (GUNICORN_MAX_REQUESTS=0: never; the benchmarks measure without it).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
