from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

MARKER = "You have answered"


@require_safe
@login_required
def floor(request):
    # One query of its own, indexed and cheap, like a small page's one read.
    since = timezone.now() - timezone.timedelta(days=1)
    recent = User.objects.filter(last_login__gte=since).count()
    return render(request, "floor.html", {"user": request.user, "recent": recent, "marker": MARKER})


urlpatterns = [path("floor/", floor)]
