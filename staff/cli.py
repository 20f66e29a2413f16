"""`flask staff …`: make the first admin, and get an account back when no admin can.

After the first admin, people are added by an admin at /staff/users.
"""

from __future__ import annotations

import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from reviews.audit import record_audit
from reviews.database import db
from reviews.models import StaffUser
from reviews.staff_accounts import (
    create_staff_user,
    find_staff_user,
    password_problem,
    unlock,
)
from reviews.two_factor import reset_two_factor
from reviews.workflow import ADMIN, ROLES

staff_cli = AppGroup("staff", help="Manage staff accounts.")


def _existing(email: str) -> StaffUser:
    user = find_staff_user(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    return user


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(
        "Password (at least 12 characters)",
        hide_input=True,
        confirmation_prompt="Enter the password again",
    )


@staff_cli.command("create")
@click.option("--email", required=True, help="Their email address: they sign in with it.")
@click.option("--name", required=True, help="Their full name.")
@click.option(
    "--role", type=click.Choice(sorted(ROLES)), default=ADMIN, show_default=True, help="Role."
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking for it.",
)
def create(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account with a password. They set up two-factor authentication at their
    first sign-in, at /staff/sign-in."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(f"That is not an email address: {error}") from error
    if not name.strip():
        raise click.ClickException("Give their full name.")
    if find_staff_user(email) is not None:
        raise click.ClickException(f"There is already an account for {email}.")
    password = _read_password(password_stdin)
    problem = password_problem(password, about=(email, name))
    if problem:
        raise click.ClickException(problem)
    user = create_staff_user(email=email, name=name, role=role, password=password)
    record_audit(
        "added-user",
        detail={"user": user.id, "email": user.email, "role": role, "by": "command line"},
    )
    db.session.commit()
    click.echo(
        f"Created {ROLES[role].lower()} {user.email}. They sign in at /staff/sign-in and set up "
        "two-factor authentication then."
    )


@staff_cli.command("unlock")
@click.option("--email", required=True)
def unlock_command(email: str) -> None:
    """Unlock an account locked after too many wrong tries."""
    user = _existing(email)
    unlock(user, ip_address=None)
    record_audit(
        "unlocked-user", detail={"user": user.id, "email": user.email, "by": "command line"}
    )
    db.session.commit()
    click.echo(f"Unlocked {user.email}.")


@staff_cli.command("reset-two-factor")
@click.option("--email", required=True)
def reset_two_factor_command(email: str) -> None:
    """Forget an account's authenticator app and recovery codes (for a lost phone when no other
    admin can do it). They set it up again at their next sign-in."""
    user = _existing(email)
    reset_two_factor(user)
    record_audit(
        "reset-two-factor", detail={"user": user.id, "email": user.email, "by": "command line"}
    )
    db.session.commit()
    click.echo(f"Reset two-factor authentication for {user.email}.")
