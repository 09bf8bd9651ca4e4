"""The ``serve`` and ``users`` commands, registered on the main CLI group."""

from __future__ import annotations

import sys
from pathlib import Path

import click

DEFAULT_USERS = Path(".policygen") / "users.yaml"

users_file_option = click.option("--users-file", type=click.Path(path_type=Path), default=DEFAULT_USERS,
                                  show_default=True, help="The web accounts file.")


def register(cli: click.Group, library_option, schools_option) -> None:
    """Add ``serve`` and ``users`` to ``cli``."""

    @cli.command()
    @click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
    @click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
    @click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
                  help="Where downloads and 'Build all' write their files.")
    @click.option("--workers", type=click.IntRange(1, 16), default=1, show_default=True,
                  help="Warm LibreOffice workers kept for downloads.")
    @users_file_option
    @library_option
    @schools_option
    def serve(host: str, port: int, out_dir: Path, workers: int, users_file: Path, library_dir: Path,
              schools_dir: Path) -> None:
        """Run the web app: dashboard, editor, preview, downloads, review and approval."""
        from generator.web.serve import run_server
        from generator.web.workspace import WebConfig

        run_server(WebConfig(library_dir, schools_dir, out_dir, users_file), host, port, workers, click.echo)

    @cli.group()
    def users() -> None:
        """Manage the web app's accounts."""

    @users.command("add")
    @click.argument("name")
    @click.option("--role", type=click.Choice(["adviser", "clerk"]), required=True)
    @click.option("--school", "schools", multiple=True, help="A school id the clerk may see (repeat for more).")
    @click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
    @users_file_option
    @schools_option
    def add(name: str, role: str, schools: tuple[str, ...], password_stdin: bool, users_file: Path,
            schools_dir: Path) -> None:
        """Add an account (or replace its password, role and schools)."""
        from generator.web.accounts import add_user

        known = {p.stem for p in schools_dir.glob("*.yaml")}
        for school in schools:
            if school not in known:
                raise click.BadParameter(f"no school {school!r} in {schools_dir}", param_hint="--school")
        password = sys.stdin.readline().rstrip("\r\n")
        user = add_user(users_file, name, role, schools, password)
        where = f" for {', '.join(user.schools)}" if user.schools else ""
        click.echo(f"account {user.name} ({user.role}{where}) saved in {users_file}")

    @users.command("list")
    @users_file_option
    def list_(users_file: Path) -> None:
        """List the accounts."""
        from generator.web.accounts import load_users

        found = load_users(users_file)
        if not found:
            click.echo(f"no accounts in {users_file}")
        for user in found.values():
            click.echo(f"{user.name:24} {user.role:8} {', '.join(user.schools) or 'all schools'}")

    @users.command("remove")
    @click.argument("name")
    @users_file_option
    def remove(name: str, users_file: Path) -> None:
        """Remove an account."""
        from generator.web.accounts import remove_user

        remove_user(users_file, name)
        click.echo(f"account {name} removed")
