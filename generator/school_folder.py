"""Every school file of a folder, as a light list: ``policygen build --all`` over 24,000 schools.

A list of 24,000 :class:`~pathlib.Path` objects holds about 8 MB for as long
as the build runs, a sixth of a build's memory; their names alone hold a
quarter of that. :class:`SchoolFolder` keeps the names, sorted, and makes
each school's Path when it is asked for, so the batch, which takes one
school at a time, holds only the few in flight.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import overload


class SchoolFolder(Sequence[Path]):
    """The ``*.yaml`` files of ``folder`` (as ``folder.glob("*.yaml")`` finds them), sorted by name.

    Names in one folder are distinct, so no two of its schools share an id
    (the file name): a build need not look for repeated ids among them.
    """

    distinct_ids = True

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._names = sorted(path.name for path in self.folder.glob("*.yaml"))

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> list[Path]: ...

    def __getitem__(self, index: int | slice) -> Path | list[Path]:
        if isinstance(index, slice):
            return [self.folder / name for name in self._names[index]]
        return self.folder / self._names[index]

    def __repr__(self) -> str:
        return f"SchoolFolder({str(self.folder)!r}, {len(self)} schools)"
