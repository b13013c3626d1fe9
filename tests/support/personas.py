"""The persona table of every URL: for each URL name, how to request it and
what each persona gets. ``tests/test_url_personas.py`` fails when a pattern
of ``studyapp.urls`` has no entry here, and requests every entry as every
persona.

The personas (made by ``tests/test_url_personas.py``'s ``world``):
- ``owner``: alice, the learner whose objects the URLs name; she also writes
  notes (an instructor), so the authoring objects are hers too, and she
  leads the team.
- ``outsider``: bob, another learner.
- ``instructor``: ines, another instructor (not alice's notes).
- ``staff``: stella, may use the admin; neither instructor nor learner of
  alice's things.
- ``anonymous``: nobody logged in.
- ``member``: mia, a plain member of alice's team (team URLs only).

Statuses are what the app answers now: 404 for what a persona may not know
exists, 403 for what they may see but not change, 302 to the login page for
an anonymous visitor (``LOGIN``), 405 for a wrong method."""

from dataclasses import dataclass, field

BASE_PERSONAS = ("anonymous", "outsider", "instructor", "staff", "owner")
TEAM_PERSONAS = (*BASE_PERSONAS[:-1], "member", "owner")
LOGIN = "login"  # a 302 to the login page


@dataclass(frozen=True)
class Case:
    """How to request one URL name: ``args`` names objects of the world (or
    gives values), ``data`` is the POST body; ``expected`` maps each persona
    to a status (or ``LOGIN``), ``wrong`` is a method the view refuses with
    405 (for ``wrong_expected`` personas: everyone unless said)."""

    method: str
    expected: dict
    args: tuple = ()
    data: dict = field(default_factory=dict)
    query: str = ""
    wrong: str | None = None
    wrong_expected: dict = field(default_factory=dict)

    @property
    def personas(self) -> tuple[str, ...]:
        return TEAM_PERSONAS if "member" in self.expected else BASE_PERSONAS


def every(status, **others) -> dict:
    """``status`` for every base persona but those named."""
    return {persona: status for persona in BASE_PERSONAS} | others


def team(status, **others) -> dict:
    return {persona: status for persona in TEAM_PERSONAS} | others


OWN = every(404, anonymous=LOGIN, owner=200)  # a page of the owner's object
OWN_POST = every(404, anonymous=LOGIN, owner=302)
SIGNED_IN = every(200, anonymous=LOGIN)  # a page of one's own things
SIGNED_IN_POST = every(302, anonymous=LOGIN)
PUBLIC = every(200)
AUTHORING = every(403, anonymous=LOGIN, instructor=200, owner=200)  # instructors' pages
DRAFT = every(404, anonymous=LOGIN, owner=200)  # the owner's draft: nobody else knows it
DRAFT_POST = every(404, anonymous=LOGIN, owner=302)
PUBLISHED = every(403, anonymous=LOGIN, owner=200)  # the owner's published note: others may not write it
PUBLISHED_POST = every(403, anonymous=LOGIN, owner=302)
# Staff who may change accounts; to anyone else not staff the page does not exist.
STAFF_ONLY_PAGE = every(404, anonymous=LOGIN, staff=200)
STAFF_ONLY = every(404, anonymous=LOGIN, staff=302)
LEAD_ONLY = team(404, anonymous=LOGIN, member=403, owner=200)
LEAD_ONLY_POST = team(404, anonymous=LOGIN, member=403, owner=302)
ANY_MEMBER = team(404, anonymous=LOGIN, member=200, owner=200)
ANY_MEMBER_POST = team(404, anonymous=LOGIN, member=302, owner=302)

# fmt: off
REGISTRY: dict[str, Case] = {
    # The site and the installable app
    "home": Case("get", every(302), wrong="post"),  # to the study page, or the welcome
    "service_worker": Case("get", PUBLIC, wrong="post"),
    "web_manifest": Case("get", PUBLIC, wrong="post"),
    "offline_page": Case("get", PUBLIC, wrong="post"),
    # Django's own: a GET changes nothing and goes back where it came from.
    "set_language": Case("post", every(302), data={"language": "en"}, wrong="get", wrong_expected=every(302)),
    # Notes (alice's draft TST-4)
    "note_list": Case("get", PUBLIC, wrong="post"),
    "note_detail": Case("get", {**DRAFT, "anonymous": 404}, args=("TST-4",), wrong="post"),
    "search": Case("get", PUBLIC, query="?q=KMS", wrong="post"),
    # Accounts
    "login": Case("get", every(200), wrong="put"),
    "logout": Case("post", every(302), wrong="get"),
    "signup": Case("get", every(302, anonymous=200), wrong="put"),  # the signed-in go home
    "account_settings": Case("get", SIGNED_IN, wrong="put"),
    "password_change": Case("get", SIGNED_IN, wrong="put"),
    "data_download_json": Case("get", SIGNED_IN, wrong="post"),
    "data_download_csv": Case("get", SIGNED_IN, wrong="post"),
    "account_delete": Case("get", SIGNED_IN, wrong="put"),
    "account_deleted": Case("get", PUBLIC, wrong="post"),
    "language_switch": Case("post", every(302), data={"language": "ja"}, wrong="get"),
    "instructor_list": Case("get", STAFF_ONLY_PAGE, wrong="post", wrong_expected={"anonymous": LOGIN}),
    "instructor_add": Case("post", STAFF_ONLY, data={"username": "bob"}, wrong="get", wrong_expected={"anonymous": LOGIN}),
    "instructor_remove": Case("post", STAFF_ONLY, args=("ines",), wrong="get", wrong_expected={"anonymous": LOGIN}),
    "password_reset": Case("get", every(200), wrong="put"),
    "password_reset_done": Case("get", PUBLIC, wrong="post"),
    # The link is alice's: it goes on to its set-password page; logging alice
    # in (force_login) moved her last_login, which spends the link (200, "invalid").
    "password_reset_confirm": Case("get", every(302, owner=200), args=("uidb64", "token"), wrong="put"),
    "password_reset_complete": Case("get", PUBLIC, wrong="post"),
    # Study (alice's card states)
    "study": Case("get", SIGNED_IN, wrong="post"),
    "study_welcome": Case("get", SIGNED_IN, wrong="put"),
    "study_card": Case("get", SIGNED_IN, wrong="post"),
    "study_grade": Case("post", OWN_POST, args=("state",), data={"rating": 3, "version": 0}, wrong="get"),
    "study_answer": Case("post", OWN, args=("question_state",), data={"version": 0, "choice": "A"}, wrong="get"),
    "study_undo": Case("post", SIGNED_IN_POST, wrong="get"),
    "study_bury": Case("post", OWN_POST, args=("state",), data={"version": 0}, wrong="get"),
    "study_suspend": Case("post", OWN_POST, args=("state",), data={"version": 0}, wrong="get"),
    "study_scope": Case("post", SIGNED_IN_POST, data={"kind": "all"}, wrong="get"),
    "study_hidden": Case("get", SIGNED_IN, wrong="post"),
    "study_unsuspend": Case("post", OWN_POST, args=("suspended_state",), wrong="get"),
    "study_unbury": Case("post", OWN_POST, args=("buried_state",), wrong="get"),
    "study_cram": Case("get", SIGNED_IN, wrong="post"),
    "study_cram_answer": Case("post", OWN, args=("cram_card",), data={"rating": 3}, wrong="get"),
    "study_offline_bundle": Case("get", SIGNED_IN, wrong="post"),
    # A form (multipart) is no batch: 400, not a server error.
    "study_offline_sync": Case("post", every(400, anonymous=LOGIN), data={"answers": "[]"}, wrong="get"),
    "stats": Case("get", SIGNED_IN, wrong="post"),
    "stats_tasks": Case("get", SIGNED_IN, wrong="post"),
    # Exams (alice's attempt on her blueprint)
    "exams:list": Case("get", SIGNED_IN, wrong="post"),
    "exams:start": Case("post", SIGNED_IN_POST, args=("blueprint",), wrong="get"),
    "exams:attempt": Case("get", OWN, args=("attempt",), wrong="post"),
    "exams:answer": Case("post", OWN_POST, args=("attempt",), data={"position": 1, "choice": "A", "time_ms": 1000}, wrong="get"),
    "exams:flag": Case("post", OWN_POST, args=("attempt",), data={"position": 1, "flagged": "1"}, wrong="get"),
    "exams:move": Case("post", OWN_POST, args=("attempt",), data={"position": 2}, wrong="get"),
    "exams:submit": Case("post", OWN_POST, args=("attempt",), wrong="get"),
    "exams:report": Case("get", OWN, args=("submitted_attempt",), wrong="post"),
    "exams:practice": Case("get", SIGNED_IN, wrong="post"),
    "exams:practice_start": Case("post", SIGNED_IN_POST, data={"kind": "diagnostic"}, wrong="get"),
    # Authoring (alice's published TST-3 and draft TST-4)
    "authoring_dashboard": Case("get", AUTHORING, wrong="post"),
    "authoring_new": Case("get", AUTHORING, wrong="post"),
    "authoring_create": Case("post", {**AUTHORING, "instructor": 400, "owner": 400}, data={"text": "not a note"}, wrong="get"),
    "authoring_preview_new": Case("post", AUTHORING, data={"text": "# x"}, wrong="get"),
    "authoring_editor": Case("get", DRAFT, args=("TST-4",), wrong="post"),
    "authoring_preview": Case("post", DRAFT, args=("TST-4",), data={"text": "# x"}, wrong="get"),
    "authoring_save": Case("post", PUBLISHED_POST, args=("TST-3",), data={"text": "tst3_text"}, wrong="get"),
    "authoring_publish": Case("post", DRAFT_POST, args=("TST-4",), data={"version": 1}, wrong="get"),
    "authoring_retire": Case("post", PUBLISHED_POST, args=("TST-3",), wrong="get"),
    "authoring_versions": Case("get", PUBLISHED, args=("TST-3",), wrong="post"),
    "authoring_diff": Case("get", DRAFT, args=("TST-4",), wrong="post"),
    "authoring_revert": Case("post", PUBLISHED_POST, args=("TST-3", 1), wrong="get"),
    "authoring_repair": Case("get", DRAFT, args=("TST-4",), wrong="put"),
    "authoring_export_md": Case("get", DRAFT, args=("TST-4",), wrong="post"),
    "authoring_upload": Case("get", AUTHORING, wrong="put"),
    "authoring_upload_job": Case("get", DRAFT, args=("job",), wrong="post"),
    "authoring_reports": Case("get", AUTHORING, wrong="post"),
    # bob made the report: he may know it, not resolve it.
    "authoring_report_resolve": Case("post", {**OWN_POST, "outsider": 403}, args=("report",), data={"status": "resolved"}, wrong="get"),
    "authoring_blueprints": Case("get", AUTHORING, wrong="post"),
    "authoring_blueprint_new": Case("get", AUTHORING, wrong="put"),
    # Blueprints are shown to every learner: others may see, not change.
    "authoring_blueprint_edit": Case("get", PUBLISHED, args=("blueprint",), wrong="put"),
    "authoring_analysis": Case("get", AUTHORING, wrong="post"),
    "authoring_export_zip": Case("get", AUTHORING, wrong="post"),
    "authoring_export_apkg": Case("get", AUTHORING, wrong="post"),
    "authoring_export_csv": Case("get", AUTHORING, wrong="post"),
    # A draft's card is reported by nobody, its author included (learners never see it).
    "report_card": Case("post", every(404, anonymous=LOGIN), args=("draft_card",), data={"kind": "typo"}, wrong="get"),
    "reports_mine": Case("get", SIGNED_IN, wrong="post"),
    "reports_news": Case("get", SIGNED_IN, wrong="post"),
    "reports_news_seen": Case("post", SIGNED_IN, data={"report": "report"}, wrong="get"),
    # Teams (alice leads Alpha Squad, mia is a member)
    "team_list": Case("get", SIGNED_IN, wrong="put"),
    "team_join": Case("get", every(200), args=("invite_token",), wrong="put"),  # the token is the key
    "team_detail": Case("get", ANY_MEMBER, args=("team",), wrong="post"),
    "team_sharing": Case("post", ANY_MEMBER_POST, args=("team",), data={"share_details": "on"}, wrong="get"),
    "team_leave": Case("post", ANY_MEMBER_POST, args=("team",), wrong="get"),
    "team_dashboard": Case("get", LEAD_ONLY, args=("team",), wrong="post"),
    "team_dashboard_csv": Case("get", LEAD_ONLY, args=("team",), wrong="post"),
    "team_manage": Case("get", LEAD_ONLY, args=("team",), wrong="post"),
    "team_invite_create": Case("post", LEAD_ONLY_POST, args=("team",), data={"days": "7"}, wrong="get"),
    "team_invite_revoke": Case("post", LEAD_ONLY_POST, args=("team", "invite"), wrong="get"),
    "team_assignment_create": Case("post", LEAD_ONLY_POST, args=("team",), data={"kind": "tag", "value": "KMS", "exam_date": "exam_date"}, wrong="get"),
    "team_assignment_delete": Case("post", LEAD_ONLY_POST, args=("team", "assignment"), wrong="get"),
    "team_assignment_study": Case("post", ANY_MEMBER_POST, args=("team", "assignment"), wrong="get"),
    "team_mock_create": Case("post", LEAD_ONLY_POST, args=("team",), data={"blueprint": "sap", "due_date": "exam_date"}, wrong="get"),
    "team_mock_delete": Case("post", LEAD_ONLY_POST, args=("team", "mock"), wrong="get"),
    "team_member_remove": Case("post", LEAD_ONLY_POST, args=("team", "membership"), wrong="get"),
    "team_lead_transfer": Case("post", LEAD_ONLY_POST, args=("team",), data={"membership": "membership"}, wrong="get"),
    "team_close": Case("post", LEAD_ONLY_POST, args=("team",), data={"confirm": "on"}, wrong="get"),
}
# fmt: on
