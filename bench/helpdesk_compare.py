"""The email benchmark's mail through django-helpdesk, for comparison: its local-directory mailbox.

On first use this installs django-helpdesk from PyPI into var/bench/helpdesk-venv (its own virtual
environment: it is no dependency of the hub), writes a minimal Django project on SQLite, drops the same
mails into a directory and times `helpdesk.email.process_email()` over them: what django-helpdesk's
`get_email` command does every few minutes. Returns None (with the reason on stderr) when it cannot run.
Durability as the hub's run: "full" leaves Django's SQLite at its defaults (a rollback journal, synchronous=FULL:
every commit synced, as the hub's default WAL + FULL); "fast" gives it WAL + synchronous=NORMAL, as the hub's
--unsafe. The settings it ran with are returned with its figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.smtp_sender import mails

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "var" / "bench" / "helpdesk-venv"
VERSION = "django-helpdesk[teams]==2.6.1"  # its migrations need pinax-teams

SETTINGS = """
SECRET_KEY = "bench"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "django.contrib.sites",
    "django.contrib.humanize", "django.contrib.messages", "rest_framework", "account", "pinax.invitations",
    "pinax.teams", "helpdesk",
]
SITE_ID = 1
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "DB_PATH"}}
MEDIA_ROOT = "MEDIA_PATH"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
ROOT_URLCONF = "urls"
HELPDESK_ENABLE_ATTACHMENTS = True
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": True}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request"]}}]
"""
URLS = """
from django.urls import include, path
urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
"""

RUN = """
import json, sys, time, django
from django.db.backends.signals import connection_created

def pragmas(sender, connection, **kwargs):
    if sys.argv[2] == "fast":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")

connection_created.connect(pragmas)
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from helpdesk.models import Queue, Ticket, FollowUp
from helpdesk.email import process_email
Queue.objects.create(title="Support", slug="support", email_address="support@bench.test",
                     email_box_type="local", email_box_local_dir=sys.argv[1], allow_email_submission=True,
                     email_box_interval=0, logging_type="none")
t0, cpu0 = time.perf_counter(), time.process_time()
process_email(quiet=True)
elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
from django.db import connection
with connection.cursor() as cursor:
    sync = cursor.execute("PRAGMA synchronous").fetchone()[0]
    journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
shown = {"sqlite_synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(sync, sync),
         "sqlite_journal_mode": journal}
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "tickets": Ticket.objects.count(),
                  "followups": FollowUp.objects.count(), **shown}))
"""


def _python() -> Path | None:
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", VERSION], check=True, capture_output=True, timeout=600
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"django-helpdesk comparison skipped: could not install {VERSION} ({exc})", file=sys.stderr)
        return None
    return python


def helpdesk_rate(n: int, workdir: Path, durability: str = "full", files: bool = False) -> dict[str, Any] | None:
    """django-helpdesk's figures for the benchmark's n mails: mails/s, CPU per mail (its one process, user and
    system), tickets and follow-ups made."""
    python = _python()
    if python is None:
        return None
    project, inbox = workdir / "helpdesk", workdir / "helpdesk-inbox"
    project.mkdir()
    inbox.mkdir()
    settings = SETTINGS.replace("DB_PATH", str(project / "db.sqlite3")).replace("MEDIA_PATH", str(project / "media"))
    (project / "settings.py").write_text(settings, encoding="utf-8")
    (project / "urls.py").write_text(URLS, encoding="utf-8")
    for i, _sender, raw in mails(n, files=files):
        (inbox / f"{i:06d}.eml").write_bytes(raw)
    env = {"DJANGO_SETTINGS_MODULE": "settings", "PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [str(python), "-c", RUN, str(inbox), durability],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=7200,
    )
    if done.returncode != 0:
        print(f"django-helpdesk comparison failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        **figures,
        "emails_per_s": round(n / figures["seconds"], 1),
        "cpu_ms_per_mail": round(figures["cpu_seconds"] * 1000 / n, 2),
    }
