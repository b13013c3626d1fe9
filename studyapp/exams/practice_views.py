"""/exams/practice/: the entry page of practice (by domain or task
statement, my misses, the diagnostic), and starting one. The questions are
then answered on the exam page in its feedback mode (views.exam_attempt)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from studyapp.exams import practice, services
from studyapp.exams.misses import missed_card_ids
from studyapp.exams.practice_forms import PracticeForm
from studyapp.htmx import render_page


def _page(request, *, form: PracticeForm | None = None, error: str = "", status: int = 200):
    context = {
        "form": form,
        "error": error,
        "choices": practice.practice_choices(),
        "misses": len(missed_card_ids(user=request.user)),
        "open_attempts": list(practice.open_practice(user=request.user)[:10]),
        "diagnostic_count": practice.DIAGNOSTIC_QUESTIONS,
    }
    return render_page(request, "exams/practice.html", context, status=status)


@require_safe
@login_required
def practice_page(request):
    return _page(request)


@require_POST
@login_required
def practice_begin(request):
    form = PracticeForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        attempt = practice.practice_start(user=request.user, now=timezone.now(), **form.start_arguments())
    except services.NoQuestions:
        return _page(request, form=form, error=_("No question matches this choice yet."), status=400)
    except services.InvalidAnswer as error:
        return _page(request, form=form, error=str(error), status=400)
    return redirect(f"{reverse('exams:attempt', args=[attempt.pk])}?q={attempt.position}")
