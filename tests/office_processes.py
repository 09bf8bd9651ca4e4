"""Find what a test's own LibreOffice workers left behind: processes, folders and files.

Other helpers run LibreOffice on the same machine at the same time, so
nothing here looks at every soffice: only at processes whose profile lies
under this test run's temporary folder, or in process groups a test recorded.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


def temp_root() -> Path:
    return Path(os.path.realpath(tempfile.gettempdir()))


def soffice_pids(root: Path | None = None) -> set[int]:
    """Return the LibreOffice processes (``ps -ww``) whose profile lies under ``root`` (default: our temp folder)."""
    mine = (root or temp_root()).as_uri() + "/"
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True, check=True).stdout
    return {int(line.split()[0]) for line in out.splitlines()[1:] if "policygen-lo-" in line and mine in line}


def soffice_bin_pids(root: Path | None = None) -> set[int]:
    """Return the soffice.bin processes among :func:`soffice_pids`."""
    return {pid for pid in soffice_pids(root) if "soffice.bin" in _cmdline(pid)}


def group_pids(pgid: int) -> set[int]:
    """Return the live processes of group ``pgid`` (``ps -ww``)."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid,pgid,stat"], capture_output=True, text=True, check=True).stdout
    return {int(f[0]) for f in (line.split() for line in out.splitlines()[1:])
            if int(f[1]) == pgid and not f[2].startswith("Z")}


def leftovers(out_dir: Path | None = None, root: Path | None = None) -> dict[str, list]:
    """Return everything a finished build must not leave: processes, profiles, lu*.tmp, locks, .part files."""
    root = root or temp_root()
    found = {
        "soffice": sorted(soffice_pids(root)),
        "profiles": sorted(str(p) for p in root.glob("policygen-lo-*")),
        "lu*.tmp": sorted(str(p) for p in root.glob("lu*.tmp")),
    }
    if out_dir is not None:
        found["locks"] = sorted(str(p) for p in out_dir.rglob(".~lock.*#"))
        found["parts"] = sorted(str(p) for p in out_dir.rglob("*.part*"))
    return {key: value for key, value in found.items() if value}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
