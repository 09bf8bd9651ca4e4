"""A worker's folder: its LibreOffice profile, LibreOffice's temporary files, and documents in flight.

Each worker gets one folder, ``$TMPDIR/policygen-lo-<pid>-<random>``, where
``<pid>`` is the policygen process that owns it:

- ``profile/``: a fresh LibreOffice user profile (``-env:UserInstallation``),
  with :data:`SETTINGS` and the worker script as a macro (and the layout
  steps it imports in the macro's ``pythonpath`` folder);
- ``tmp/``: LibreOffice's own temporary folder (its ``lu*.tmp``), given as
  ``TMPDIR`` to soffice;
- ``docs/<n>/``: one folder per conversion attempt, holding the DOCX read
  and the PDF written. LibreOffice never writes into the output folder, so a
  crash there leaves no lock file or half PDF beside the user's documents.

Removing the folder removes everything a worker wrote. Folders whose owner
died without removing them are removed by :func:`sweep_orphans`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.render.processes import alive, processes_using
from generator.render.uno_worker import MACRO_NAME  # the worker script's name as a macro in the profile

WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")
LAYOUT_SCRIPT = Path(__file__).with_name("uno_layout.py")  # the steps, which the worker script imports
PREFIX = "policygen-lo-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-")

# What a headless converter has no use for, but Writer does while the main loop is idle: it
# collects every long word of each document for word completion, and checks spelling as you
# type. Between a worker's calls, soffice's main thread spent about a fifth of its CPU there.
SETTINGS = (
    ("/org.openoffice.Office.Writer/AutoFunction/Completion", "Enable", "false"),
    ("/org.openoffice.Office.Writer/AutoFunction/Completion", "CollectWords", "false"),
    ("/org.openoffice.Office.Linguistic/SpellChecking", "IsSpellAuto", "false"),
    ("/org.openoffice.Office.Linguistic/GrammarChecking", "IsAutoCheck", "false"),
)


@dataclass(frozen=True)
class Workspace:
    """The folders of one worker (see the module docstring)."""

    root: Path

    @property
    def profile(self) -> Path:
        return self.root / "profile"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def attempt(self, number: int) -> Path:
        """Return a new, empty folder for conversion attempt ``number``."""
        folder = self.root / "docs" / str(number)
        folder.mkdir(parents=True)
        return folder


def make_workspace(*, settings: bool = True, macro: bool = True) -> Workspace:
    """Create a worker's folder in the temporary folder, with a fresh profile.

    ``settings`` writes :data:`SETTINGS` into the profile; ``macro`` copies
    the worker script into it as a Python macro.
    """
    space = Workspace(Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")))
    space.tmp.mkdir()
    user = space.profile / "user"
    user.mkdir(parents=True)
    if settings:
        _write_settings(user / "registrymodifications.xcu")
    if macro:
        macros = user / "Scripts" / "python"
        (macros / "pythonpath").mkdir(parents=True)  # LibreOffice puts this folder on a macro's sys.path
        shutil.copyfile(WORKER_SCRIPT, macros / MACRO_NAME)
        shutil.copyfile(LAYOUT_SCRIPT, macros / "pythonpath" / LAYOUT_SCRIPT.name)
    return space


def sweep_orphans(folder: Path | None = None) -> list[Path]:
    """Remove worker folders (and their processes) left by policygen runs that died; return them.

    A folder is an orphan when the process named in it no longer runs. Any
    LibreOffice still running on an orphan's profile is killed first.
    """
    swept = []
    for root in Path(folder or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        owner = _OWNED.match(root.name)
        if not owner or alive(int(owner[1])) or not root.is_dir():
            continue
        for pid in {*processes_using(str(root)), *processes_using(root.as_uri())}:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        shutil.rmtree(root, ignore_errors=True)
        swept.append(root)
    return swept


def _write_settings(target: Path) -> None:
    """Write :data:`SETTINGS` as the user settings of a new LibreOffice profile."""
    items = "".join(f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
                    f'<value>{value}</value></prop></item>\n' for path, name, value in SETTINGS)
    target.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + items + "</oor:items>\n", encoding="utf-8")
