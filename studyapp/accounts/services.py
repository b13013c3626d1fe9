from django.contrib.auth.models import Group, Permission, User

INSTRUCTORS = "Instructors"
DEMO_ACCOUNTS = {
    "learner": {"password": "learn-sap-2026", "email": "learner@example.com", "instructor": False},
    "instructor": {"password": "teach-sap-2026", "email": "instructor@example.com", "instructor": True},
}


def instructors_group_ensure() -> Group:
    """Instructors manage notes and cards in the admin; nothing else."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    perms = Permission.objects.filter(content_type__app_label="notes")
    group.permissions.set(perms)
    return group


def demo_accounts_ensure() -> dict[str, str]:
    """Create (or reset the passwords of) the demo learner and instructor."""
    group = instructors_group_ensure()
    logins = {}
    for username, spec in DEMO_ACCOUNTS.items():
        user, _ = User.objects.get_or_create(username=username, defaults={"email": spec["email"]})
        user.set_password(spec["password"])
        user.is_staff = spec["instructor"]
        user.save()
        if spec["instructor"]:
            user.groups.add(group)
        logins[username] = spec["password"]
    return logins
