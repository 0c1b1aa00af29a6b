"""`xinfang init` and `xinfang user ...`: create the database and the people who use it."""

from __future__ import annotations

import click
from sqlalchemy import select

from xinfang.core.config import load_settings
from xinfang.models import Role, User
from xinfang.models.db import safe_url, session_scope, upgrade


@click.command()
def init() -> None:
    """Create the data directory and the database, and apply all migrations."""
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.originals_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    legacy = settings.data_dir / "models"  # before 0.2 the trained classifiers lived here
    if legacy.is_dir() and not settings.models_root.exists():
        legacy.rename(settings.models_root)
        click.echo(f"moved trained classifiers: {legacy} -> {settings.models_root}")
    click.echo(f"database ready: {safe_url(settings.database_url)}")
    click.echo(f"data directory: {settings.data_dir}")


@click.group()
def user() -> None:
    """Manage users."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.clerk, show_default=True)
@click.option("--name", "display_name", default="", help="Name shown in the UI.")
@click.option("--unit", default=None, help="The unit the user works for (hides letters accusing it).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters; prompted for when not given.")
def add_user(username: str, role: str, display_name: str, unit: str | None, password: str) -> None:
    """Add a user, or reset an existing user's password and role."""
    settings = load_settings()
    with session_scope(settings.database_url) as session:
        found = session.scalar(select(User).where(User.username == username))
        account = found or User(username=username)
        account.role = role
        account.display_name = display_name or account.display_name or username
        account.unit = unit
        try:
            account.set_password(password)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--password") from exc
        session.add(account)
    click.echo(f"{'updated' if found else 'added'} {username} ({role})")
