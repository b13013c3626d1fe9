"""A floor for the benchmarks: a minimal Django project of its own.

One logged-in page of about the size of the app's study fragment, with one
query of its own, served by the same gunicorn configuration as the app in the
same run. It shares nothing with studyapp but Django: its own settings, URLs,
template and database, so that no benchmark page sits in the app's URLs and
the floor measures what Django itself costs on this machine."""
