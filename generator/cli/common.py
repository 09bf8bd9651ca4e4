"""What the command groups share: the click group, common options, and small helpers for arguments and reports."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator, Sequence

import click

from generator.errors import Findings
from generator.school_folder import SchoolFolder

DEFAULT_LIBRARY = Path("clauses")
DEFAULT_SCHOOLS = Path("schools")
DEFAULT_OUT = Path("output")


class Settings:
    debug = False


SETTINGS = Settings()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks (for developers).")
@click.version_option(package_name="policygen")
def cli(debug: bool) -> None:
    """Assemble branded school policies from a clause library and school files."""
    SETTINGS.debug = debug


library_option = click.option("--library-dir", "library_dir", type=click.Path(path_type=Path), default=DEFAULT_LIBRARY,
                              show_default=True, help="Folder of the clause library.")
schools_option = click.option("--schools-dir", type=click.Path(path_type=Path), default=DEFAULT_SCHOOLS,
                              show_default=True, help="Folder that --all reads school files from.")


def schools_beside(library_dir: Path, schools_dir: Path) -> Path:
    """Return the schools folder that belongs with the library: --schools-dir when given, else ``schools/`` beside it.

    A project keeps ``clauses/``, ``schools/`` and ``groups/`` side by side
    (groups are found beside the schools folder the same way), so a library
    named with --library-dir goes with the schools beside it, not with the
    ``schools/`` of the folder policygen happens to run in.
    """
    from click.core import ParameterSource

    if click.get_current_context().get_parameter_source("schools_dir") is not ParameterSource.DEFAULT:
        return schools_dir
    return library_dir.parent / "schools"


def school_paths(schools: tuple[Path, ...], all_: bool, schools_dir: Path) -> Sequence[Path]:
    """Return the school files a command acts on: those named, or with ``all_`` every one in ``schools_dir``."""
    if all_ and schools:
        raise click.UsageError("give school files or --all, not both")
    if all_:
        found = SchoolFolder(schools_dir)  # sorted names, not 24,000 Paths held for the whole build
        if not found:
            raise click.UsageError(f"--all found no *.yaml files in {schools_dir}")
        return found
    return list(schools)


@contextmanager
def policy_option() -> Iterator[None]:
    """Turn a --policy that names no policy type into a usage error (exit 2) with its "did you mean"."""
    from generator.targets import UnknownPolicy

    try:
        yield
    except UnknownPolicy as exc:
        raise click.BadParameter(str(exc), param_hint="--policy") from None


def policy_ids(library, school_file, policy_id: str | None) -> list[str]:  # noqa: ANN001
    """Return the policies a command acts on: every one the school has, or the one --policy names."""
    from generator.targets import policy_ids as chosen

    with policy_option():
        return chosen(library, school_file, policy_id)


def approved_only(school_file, pids: list[str], policy_id: str | None, doing: str) -> list[str]:  # noqa: ANN001
    """Return the policies among `pids` that have an approval; a named --policy without one is a usage error."""
    approved = [pid for pid in pids if school_file.school.policies[pid].governance.approvals]
    if not approved:
        named = f"the {pids[0]} policy" if policy_id else "no policy of this school"
        raise click.UsageError(f"{named} has an approval {doing}; record one with `policygen approve` first")
    return approved


def parse_date(value: str | None, name: str) -> date:
    """Return the date given as option ``name`` (today when not given); a malformed one is a usage error."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD", param_hint=name) from None


def load_every_school(schools_dir: Path) -> tuple[list, Findings]:
    """Return the school files of ``schools_dir`` that load, and the problems of those that do not."""
    from generator.review.due import load_schools
    from generator.school import load_school

    paths = sorted(schools_dir.glob("*.yaml"))
    if not paths:
        raise click.UsageError(f"no *.yaml school files in {schools_dir}")
    return load_schools(paths, load_school)


def print_report(text: str, findings: Findings) -> None:
    """Write a report to stdout as UTF-8 bytes, then each problem once; exit 1 if there were any."""
    click.echo(text.encode("utf-8"), nl=False)  # bytes: the CSV's byte-order mark whatever the terminal's encoding
    for line in findings.lines():
        click.echo(line, err=True)
    if findings:
        raise SystemExit(1)
