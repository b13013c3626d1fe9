from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.i18n import set_language

from studyapp.accounts.exports import export_csv_zip, export_json
from studyapp.accounts.forms import AccountDeleteForm, ProfileSettingsForm, SignupForm, ThrottledPasswordResetForm
from studyapp.accounts.middleware import login_throttled_response
from studyapp.accounts.personal_data import deletion_notices
from studyapp.accounts.ratelimit import password_reset_authorize_address, signup_attempt_authorize
from studyapp.accounts.services import (
    account_delete,
    language_choice_remember,
    profile_get,
    profile_update,
    user_signup,
)

# A URL name, not a setting: where a new learner starts. The study page is
# being built; until its URL exists the notes list stands in.
AFTER_SIGNUP_URL = "study"
AFTER_SIGNUP_FALLBACK_URL = "note_list"
FIRST_STEP_URL = "study_welcome"


def _after_signup_url() -> str:
    try:
        return reverse(AFTER_SIGNUP_URL)
    except NoReverseMatch:
        return reverse(AFTER_SIGNUP_FALLBACK_URL)


def _first_step_url() -> str:
    """The first step after sign-up: exam date, time zone, scope (the study
    app's page, which then leads to the study page)."""
    try:
        return reverse(FIRST_STEP_URL)
    except NoReverseMatch:
        return _after_signup_url()


def _safe_next(request, default: str) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


def _language_apply(request, response, language: str) -> None:
    """Show ``language`` from now on: in this request and, by cookie, the next ones."""
    if language not in dict(settings.LANGUAGES):
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language
    # The same cookie Django's set_language sets, so LocaleMiddleware picks it up.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request):
    next_url = _safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    context = {"next": next_url if "next" in request.GET or "next" in request.POST else ""}
    if request.method == "POST":
        # The throttle runs inside authenticate() (ProfileBackend), for every login form.
        form = AuthenticationForm(request, data=request.POST)
        valid = form.is_valid()
        refusal = getattr(request, "login_refusal", None)
        if refusal is not None:
            # Refused before the password was checked: say so, and nothing else.
            form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")[:150]})
            return login_throttled_response(request, refusal, "registration/login.html", context | {"form": form})
        if valid:
            user = form.get_user()
            auth_login(request, user)
            response = redirect(next_url)
            # The learner's language follows them to every device they log in on
            # (a language chosen just before logging in became theirs at auth_login).
            _language_apply(request, response, profile_get(user=user).language)
            return response
    else:
        form = AuthenticationForm(request)
    return render(request, "registration/login.html", context | {"form": form})


@require_POST
def logout(request):
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def signup(request):
    # `next` (an invite link, say) is where a new learner goes once signed up.
    next_url = _safe_next(request, _after_signup_url())
    context = {"next": next_url if "next" in request.GET or "next" in request.POST else ""}
    if request.user.is_authenticated:
        return redirect(next_url)
    if request.method == "POST":
        if not signup_attempt_authorize(request=request):
            form = SignupForm(initial={"username": request.POST.get("username", "")[:150]})
            return render(request, "accounts/signup.html", context | {"form": form, "throttled": True}, status=429)
        form = SignupForm(request.POST)
        if form.is_valid():
            user = user_signup(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                # Whatever language they signed up in is their choice until they change it.
                language=translation.get_language(),
            )
            auth_login(request, user)
            # Sent by an invite link: that is their first step (the team's
            # assignment brings the notes and the exam date). Else ours.
            explicit = _safe_next(request, "")
            return redirect(explicit or _first_step_url())
    else:
        form = SignupForm()
    return render(request, "accounts/signup.html", context | {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_settings(request):
    # No user id in the URL: a learner can only ever reach their own profile.
    profile = profile_get(user=request.user)
    if request.method == "POST":
        form = ProfileSettingsForm(request.POST, instance=profile)
        if form.is_valid():
            plan_notes = profile_update(profile=profile, data=form.cleaned_data)
            response = redirect("account_settings")
            # Activated before the message is written, so it reads in the new language.
            _language_apply(request, response, profile.language)
            messages.success(request, _("Settings saved."))
            for note in plan_notes:
                messages.warning(request, note)
            return response
    else:
        form = ProfileSettingsForm(instance=profile)
    return render(request, "accounts/settings.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@never_cache
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Changing the password invalidates other sessions, but not this one.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("account_settings")
    return render(request, "accounts/password_change.html", {"form": form})


@require_POST
def language_switch(request):
    """Django's set_language, remembering the choice for a logged-in learner."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        profile_update(profile=profile_get(user=request.user), data={"language": language})
    elif not request.user.is_authenticated:
        language_choice_remember(request=request, language=language)
    return set_language(request)


# Password reset: Django's views (one-use links signed with SECRET_KEY, valid for
# PASSWORD_RESET_TIMEOUT), in our templates, behind our method checks.
_password_reset = auth_views.PasswordResetView.as_view(
    form_class=ThrottledPasswordResetForm,
    email_template_name="registration/password_reset_email.txt",
    subject_template_name="registration/password_reset_subject.txt",
    success_url=reverse_lazy("password_reset_done"),
)
_password_reset_done = auth_views.PasswordResetDoneView.as_view()
_password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    success_url=reverse_lazy("password_reset_complete")
)
_password_reset_complete = auth_views.PasswordResetCompleteView.as_view()


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request):
    # Every request spends from its address, valid or not, known address or
    # not; the form spends per e-mail address (see ThrottledPasswordResetForm).
    if request.method == "POST" and not password_reset_authorize_address(request=request):
        form = ThrottledPasswordResetForm(initial={"email": request.POST.get("email", "")[:254]})
        context = {"form": form, "throttled": True}
        return render(request, "registration/password_reset_form.html", context, status=429)
    return _password_reset(request)


@require_safe
def password_reset_done(request):
    return _password_reset_done(request)


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset_confirm(request, uidb64, token):
    return _password_reset_confirm(request, uidb64=uidb64, token=token)


@require_safe
def password_reset_complete(request):
    return _password_reset_complete(request)


# Own data: download all of it, or delete the account with all of it
# (studyapp/accounts/personal_data.py says what "all" is).


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@never_cache
@login_required
def data_download_json(request):
    return _attachment(export_json(user=request.user), "application/json", "studyapp-data.json")


@require_safe
@never_cache
@login_required
def data_download_csv(request):
    return _attachment(export_csv_zip(user=request.user), "application/zip", "studyapp-data-csv.zip")


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@login_required
def delete_account(request):
    form = AccountDeleteForm(request, request.POST or None)
    context = {"form": form, "notices": deletion_notices(user=request.user)}
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            account_delete(user=user)
            auth_logout(request)
            return redirect("account_deleted")
        if form.throttled:
            # Our own page, not the login page the middleware would show.
            request.login_refusal = None
            return render(request, "accounts/delete.html", context, status=429)
    return render(request, "accounts/delete.html", context)


@require_safe
def account_deleted(request):
    return render(request, "accounts/deleted.html")
