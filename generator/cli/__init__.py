"""The ``policygen`` command line: thin commands over the library functions.

Each command parses its options, calls the library, and reports. Input
errors print as ``file:line:col: message`` and exit 1; usage errors exit 2;
``--debug`` shows tracebacks. The commands live by group: checking and
building (:mod:`.building`), showing what is read and made (:mod:`.showing`),
review (:mod:`.review`), and the web app's (:mod:`generator.web.cli`).
"""

from __future__ import annotations

import signal
import sys
import traceback

import click

from generator.cli import building, review, showing  # noqa: F401  (each registers its commands)
from generator.cli.common import SETTINGS, cli, library_option, schools_option
from generator.errors import InputError, Interrupted, PolicygenError
from generator.stopping import install
from generator.web.cli import register

register(cli, library_option, schools_option)


def main() -> None:
    """Run the CLI; map policygen errors to exit 1, usage errors to exit 2, and signals to 128 + signal.

    SIGINT, SIGTERM and SIGHUP stop the command (:mod:`generator.stopping`);
    the handlers it had before are back when it returns, so a test that runs
    ``main()`` in its own process still stops on them.
    """
    with install():
        _run()


def _run() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        exc.show()
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InputError as exc:
        if SETTINGS.debug:
            traceback.print_exc()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    except PolicygenError as exc:
        if SETTINGS.debug:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Interrupted as stop:
        name = signal.Signals(stop.signum).name
        done = (f" after {stop.summary}; finished documents were kept, unfinished ones discarded"
                if stop.summary else "")
        if stop.signum == signal.SIGPIPE:
            name += " (the output was closed)"
        try:
            click.echo(f"interrupted by {name}{done}", err=True)
        except BrokenPipeError:  # stderr's reader is gone too (`2>&1 | head -1`)
            from generator.pipes import silence

            silence(sys.stderr)
        sys.exit(128 + stop.signum)
    except SystemExit:
        raise
