"""Find LibreOffice: soffice, a python that can import ``uno``, and a faster allocator."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

INSTALL_HINT = ("LibreOffice was not found, so only DOCX was written; for PDFs run `make setup` "
                "(or: apt-get install libreoffice-writer-nogui python3-uno libreoffice-script-provider-python "
                "fonts-crosextra-carlito)")
SOFFICE_CANDIDATES = ("soffice", "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                      "/opt/libreoffice/program/soffice")
PYTHON_CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3", "python3")


@dataclass(frozen=True)
class LibreOffice:
    """Where LibreOffice and a python that can import ``uno`` live.

    ``preload`` is a faster memory allocator to run soffice with (tcmalloc),
    or None for the C library's own.
    """

    soffice: str
    python: str
    preload: str | None = None

    def environment(self, tmpdir: str | None = None) -> dict[str, str]:
        """Return the environment to start soffice in, with its temporary files in ``tmpdir``."""
        env = dict(os.environ)
        if self.preload:
            env["LD_PRELOAD"] = " ".join(filter(None, (self.preload, env.get("LD_PRELOAD"))))
        if tmpdir:  # LibreOffice makes its lu*.tmp folder here, not in the user's $TMPDIR
            env["TMPDIR"] = tmpdir
        return env


@lru_cache(maxsize=1)
def find_libreoffice() -> LibreOffice | None:
    """Return the LibreOffice installation to use, or None when there is none."""
    soffice = next((found for c in SOFFICE_CANDIDATES if (found := shutil.which(c))), None)
    if soffice is None:
        return None
    env_python = os.environ.get("POLICYGEN_UNO_PYTHON")
    for candidate in ((env_python,) if env_python else ()) + PYTHON_CANDIDATES:
        python = shutil.which(candidate)
        if python and _imports_uno(python):
            return LibreOffice(soffice, python, find_fast_malloc())
    return None


def find_fast_malloc() -> str | None:
    """Return the tcmalloc library to preload into soffice, or None.

    LibreOffice spends about a tenth of its time in malloc and free; with
    tcmalloc it took 8% less CPU a document, started 0.4 s sooner, and a
    whole build took about 12% less CPU (docs/performance.md).
    ``POLICYGEN_LO_MALLOC=system`` keeps the C library's allocator.
    """
    if os.environ.get("POLICYGEN_LO_MALLOC", "").lower() == "system":
        return None
    return ctypes.util.find_library("tcmalloc_minimal")


def _imports_uno(python: str) -> bool:
    try:
        done = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
