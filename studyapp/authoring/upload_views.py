"""Uploading notes in the browser: the same importer and report as
``import_notes``; many files go to a background task with a progress bar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_safe

from studyapp.authoring import services, tasks
from studyapp.authoring.access import instructor_required, upload_job_of
from studyapp.authoring.uploads import MAX_FILES, MAX_UPLOAD_BYTES, UploadRefused, too_large_message, upload_unpack
from studyapp.htmx import render_page
from studyapp.notes.services import MAX_NOTE_BYTES
from studyapp.request_size import body_limit

# No upload is imported while the browser waits: the importer (the encoding
# repair above all: seconds of CPU and its model's memory for a damaged
# megabyte) runs in the background worker, so a web worker's time and memory
# for an upload are bounded by reading the archive. The page follows the
# job's progress.
# Multipart framing around the files themselves.
FORM_OVERHEAD = 100_000


def _form(request, *, error: str = "", status: int = 200):
    context = {
        "error": error,
        "limits": {
            "bytes": MAX_UPLOAD_BYTES,
            "mb": MAX_UPLOAD_BYTES // 1_000_000,
            "files": MAX_FILES,
            "note_kb": MAX_NOTE_BYTES // 1000,
        },
        "jobs": request.user.upload_jobs.all()[:10],
    }
    return render_page(request, "authoring/upload.html", context, status=status)


@body_limit(MAX_UPLOAD_BYTES + FORM_OVERHEAD)
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def upload(request):
    instructor_required(request.user)
    if request.method != "POST":
        return _form(request)
    # RequestSizeLimitMiddleware refuses a larger body unread; this check,
    # with the form around the message, only matters if the limits part.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django refuses a body it cannot measure on its own
    if length > MAX_UPLOAD_BYTES + FORM_OVERHEAD:
        return _form(request, error=too_large_message(length), status=413)
    try:
        # Each note file is stored as it is read: nothing of a refused upload is kept.
        job = services.upload_job_create(
            user=request.user,
            entries=upload_unpack(request.FILES.getlist("files")),
            publish=request.POST.get("publish") == "on",
        )
    except UploadRefused as refused:
        return _form(request, error=str(refused), status=400)
    tasks.import_upload.enqueue(job.pk)
    return redirect("authoring_upload_job", job_id=job.pk)


@require_safe
@login_required
def job(request, job_id: int):
    """The upload's progress (polled by htmx until it is done) and its report."""
    job = upload_job_of(request.user, job_id)
    rows = job.report.get("notes", [])
    return render_page(
        request, "authoring/upload_job.html", {"job": job, "rows": rows}, partial="progress", target="upload-job"
    )
