"""`policygen clauses --text`: each variant's wording, wrapped for a terminal, never inside a placeholder.

An adviser reads (and copies) the placeholders a clause uses, so
``{{ school.employer }}`` must stay whole on one line.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers import policygen

PRINCIPLES = "clauses/social-media/clauses/03-principles.yaml"
TEMPLATE_PART = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")


def test_no_line_of_the_wording_breaks_inside_a_placeholder(workspace: Path):
    done = policygen(workspace, "clauses", "--text")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    broken = [line for line in lines if line.count("{{") != line.count("}}") or line.count("{%") != line.count("%}")]
    assert broken == []
    # this one broke after "or {{" before; it still wraps, before the placeholder
    at = lines.index("      - engage in any activity on social media that might bring {{ school.name }} or")
    assert lines[at + 1] == "      {{ school.employer }} into disrepute;"
    # every placeholder the clauses' files hold is printed whole, on one line
    written = set()
    for path in (workspace / "clauses").rglob("*.yaml"):
        if path.parent.name == "clauses":
            written |= {part for line in path.read_text().splitlines() if not line.lstrip().startswith("#")
                        for part in TEMPLATE_PART.findall(line)}
    assert len(written) > 5
    assert {part for line in lines for part in TEMPLATE_PART.findall(line)} == written


def test_a_placeholder_longer_than_the_rest_of_a_line_moves_to_the_next_whole(workspace: Path):
    long_one = '{{ school.name | replace("Federation", "federation of schools and nurseries") | upper }}'
    path = workspace / PRINCIPLES
    text = path.read_text()
    old = "might bring {{ school.name }} or"
    assert old in text
    path.write_text(text.replace(old, f"might bring {long_one} or", 1))
    assert policygen(workspace, "check", "--library").returncode == 0
    done = policygen(workspace, "clauses", "--text", "--policy", "social-media")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    at = lines.index("      - engage in any activity on social media that might bring")
    assert lines[at + 1] == f"      {long_one}"  # longer than what is left of the line: alone, not broken
    assert lines[at + 2] == "      or {{ school.employer }} into disrepute;"
