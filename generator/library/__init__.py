"""The clause library: policy types, clauses of four kinds, and forms.

- :mod:`~generator.library.fields`: the value types the files share;
- :mod:`~generator.library.clause`: what every clause has, and the questions each kind answers;
- :mod:`~generator.library.kinds`: the four clause kinds, each owning its rules;
- :mod:`~generator.library.models`: policy.yaml, forms, and the loaded library;
- :mod:`~generator.library.loading`: reading it from disk (``load_library``);
- :mod:`~generator.library.checks`: the rules across files, and the check of clause text.

Every problem is reported, located (see docs/clause-library.md).
"""

from generator.library.checks import check_policy_type, check_shared_texts, check_text
from generator.library.clause import ChangelogEntry, ClauseBase, ClauseOption, Variant, Wording, read_switch
from generator.library.kinds import (
    CLAUSE_KINDS, ChoiceClause, ClauseSpec, FixedClause, LocalClause, OptionalClause, kind_named, read_clause,
)
from generator.library.loading import load_library
from generator.library.models import (
    AppendixSpec, FormRowSpec, FormSpec, Library, PolicyType, PolicyTypeSpec, SectionSpec, SharedParts,
)
from generator.templating import escape_markdown

__all__ = [
    "CLAUSE_KINDS", "AppendixSpec", "ChangelogEntry", "ChoiceClause", "ClauseBase", "ClauseOption", "ClauseSpec",
    "FixedClause", "FormRowSpec", "FormSpec", "Library", "LocalClause", "OptionalClause", "PolicyType",
    "PolicyTypeSpec", "SectionSpec", "SharedParts", "Variant", "Wording", "check_policy_type", "check_shared_texts",
    "check_text", "escape_markdown", "kind_named", "load_library", "read_clause", "read_switch",
]
