"""Commands that show what policygen reads and makes: ``dump``, ``explain`` and ``clauses``."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import cli, library_option, policy_ids, policy_option


@cli.command()
@click.argument("school", type=click.Path(path_type=Path))
@click.option("--policy", "policy_id", default=None, help="Only this policy (default: every policy the school has).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@library_option
def dump(school: Path, policy_id: str | None, fmt: str, library_dir: Path) -> None:
    """Print the resolved policy (each of the school's policies): what the writers are given."""
    import json

    from generator.dump import dump_json, dump_text
    from generator.library import load_library
    from generator.review.as_built import resolve_as_built
    from generator.school import load_school

    library = load_library(library_dir)
    school_file = load_school(school)
    policies = [resolve_as_built(library, school_file, pid) for pid in policy_ids(library, school_file, policy_id)]
    if fmt == "json" and len(policies) > 1:
        click.echo(json.dumps([json.loads(dump_json(p)) for p in policies], indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(dump_json(p) if fmt == "json" else dump_text(p) for p in policies), nl=False)


@cli.command()
@click.argument("school", type=click.Path(path_type=Path))
@click.argument("key", required=False)
def explain(school: Path, key: str | None) -> None:
    """Show each value of a school's data and the file and line it came from (its own, or a group's)."""
    from generator.explain import explain as describe
    from generator.school import load_school

    click.echo(describe(load_school(school), key), nl=False)


@cli.command()
@click.option("--policy", "policy_id", default=None, help="Only this policy type.")
@click.option("--text", "show_text", is_flag=True, help="Also print the wording of every clause and variant.")
@library_option
def clauses(policy_id: str | None, show_text: bool, library_dir: Path) -> None:
    """List the library's clauses: kinds, variants with their labels, defaults (and wording with --text)."""
    from generator.library import load_library
    from generator.listing import describe_library
    from generator.targets import check_policy_id

    library = load_library(library_dir)
    if policy_id is not None:
        with policy_option():
            check_policy_id(library, policy_id)
    click.echo(describe_library(library, policy_id, show_text), nl=False)
