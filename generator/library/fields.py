"""The value types the library's files share: ids, texts, titles, and the strict base model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1)]
# Word holds 255 characters in a core property: the title property is "<policy title> – <school
# name>" (names at most 150, school.py), the subject is the subject, the comments name the version.
PolicyTitle = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Subject = Annotated[str, StringConstraints(max_length=200)]
LibraryVersion = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class Strict(BaseModel):
    """A model of a library file's mapping: unknown keys are refused, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)
