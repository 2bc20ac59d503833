"""Settings (CONTRACT §2): production is clean under `check --deploy` and needs its secret; migrations are complete."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "test-only-8c2f1e9a7b4d6e3f0a1c5b9d2e7f4a8c6b0d3e1f5a9c7b2d",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "WAGTAILADMIN_BASE_URL": "https://portal.example.org",
}


def manage(*args, tmp_path, **env):
    """Run manage.py in a fresh process, with a throwaway database and only the given Django settings."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}", **env)
    python = ROOT / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = manage("check", tmp_path=tmp_path, **{**PRODUCTION, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_models_and_migrations_agree(tmp_path):
    result = manage(
        "makemigrations", "--check", "--dry-run", tmp_path=tmp_path, DJANGO_SETTINGS_MODULE="portal.settings.test"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_settings_make_the_var_directory_a_fresh_clone_lacks(tmp_path):
    # A copy of the settings package stands in for a fresh clone: no var/ beside it yet.
    (tmp_path / "portal" / "settings").mkdir(parents=True)
    (tmp_path / "portal" / "__init__.py").write_text("")
    for module in (ROOT / "portal" / "settings").glob("*.py"):
        (tmp_path / "portal" / "settings" / module.name).write_text(module.read_text())
    python = ROOT / ".venv" / "bin" / "python"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [str(python if python.exists() else sys.executable), "-c", "import portal.settings.dev as s; print(s.VAR_DIR)"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "var")
    assert (tmp_path / "var").is_dir()


def test_production_settings_refuse_to_start_without_their_public_address(tmp_path):
    result = manage("check", tmp_path=tmp_path, **{**PRODUCTION, "WAGTAILADMIN_BASE_URL": ""})
    assert result.returncode != 0
    assert "WAGTAILADMIN_BASE_URL" in result.stderr


def test_production_language_cookie_is_secure(tmp_path):
    code = "from django.conf import settings; print(settings.LANGUAGE_COOKIE_SECURE, settings.SESSION_COOKIE_SECURE)"
    result = manage("shell", "-c", code, tmp_path=tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True True"
