"""`check` warns, at the clause, when the library rewords what a school approved with no changelog line.

Without the line, `changes` and the redline would show "Reworded" with no
reason for the governors. A change in the school's own data (its name) also
rewords what it prints, and is not the library's to explain.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from helpers import policygen

ENQUIRIES = "clauses/social-media/clauses/05-business-use.yaml"
PURPOSE = "clauses/social-media/clauses/01-introduction.yaml"
SCHOOL = "schools/holtsmere-end.yaml"


def edit(workspace: Path, rel: str, old: str, new: str) -> None:
    path = workspace / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def line_of(workspace: Path, rel: str, marker: str, after: str) -> int:
    """Return the 1-based number of the first line holding ``marker`` after the one holding ``after``."""
    lines = (workspace / rel).read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if marker in lines[i]) + 1


def reword_enquiries(workspace: Path) -> None:
    edit(workspace, ENQUIRIES, "pass the enquiry to the headteacher and must not respond",
         "pass the enquiry to the headteacher at once and must not respond")


def test_a_reworded_clause_without_a_changelog_line_is_a_located_warning(workspace: Path):
    reword_enquiries(workspace)
    done = policygen(workspace, "check", "--library")
    assert done.returncode == 0, done.stderr
    line = line_of(workspace, ENQUIRIES, "changelog:", "id: media-enquiries")
    assert done.stderr.splitlines() == [
        f"{ENQUIRIES}:{line}:5: warning: the clause 'Media enquiries' (media-enquiries) has been reworded since "
        "Bradley Primary School approved it (version 1, 15 May 2023; and 3 more school(s)), but its changelog has "
        "no line since then: add one (the date and why), so `policygen changes` and the redline can give the "
        "governors the reason"]
    assert done.stdout == "ok: the library checked, 1 warning(s)\n"
    # --all says it too, once; --strict makes it fatal, as every warning
    done = policygen(workspace, "check", "--all")
    assert done.returncode == 0 and done.stderr.count("(media-enquiries) has been reworded") == 1
    done = policygen(workspace, "check", "--all", "--strict")
    assert done.returncode == 1 and f"{ENQUIRIES}:{line}:5: warning: the clause 'Media enquiries'" in done.stderr
    # this is what the governors would otherwise read: a change with no reason under it
    done = policygen(workspace, "changes", SCHOOL, "--policy", "social-media")
    assert "6.3 Media enquiries: reworded\n1 reworded." in done.stdout


def test_a_changelog_line_explains_it(workspace: Path):
    reword_enquiries(workspace)
    edit(workspace, ENQUIRIES, '      - {date: 2026-11-01, summary: "First version."}\n\n  - id: site-creation',
         '      - {date: 2026-11-01, summary: "First version."}\n'
         '      - {date: 2026-11-21, summary: "Enquiries go to the headteacher at once."}\n\n  - id: site-creation')
    done = policygen(workspace, "check", "--all", "--strict")
    assert done.returncode == 0, done.stderr
    assert "reworded" not in done.stderr
    done = policygen(workspace, "changes", SCHOOL, "--policy", "social-media")
    assert "library, 21 November 2026: Enquiries go to the headteacher at once." in done.stdout


def test_a_school_renamed_is_not_the_librarys_rewording(workspace: Path):
    # the shipped snapshots are older than the wording digest: a clause that reads school data is left alone
    edit(workspace, SCHOOL, "name: Holtsmere End Infant and Nursery School", "name: Holtsmere End Primary School")
    done = policygen(workspace, "check", "--all", "--strict")
    assert done.returncode == 0, done.stderr
    assert "Purpose of this policy" in policygen(workspace, "changes", SCHOOL, "--policy", "social-media").stdout


def test_a_new_approval_keeps_the_wording_so_school_data_and_library_rewording_are_told_apart(workspace: Path):
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-20")
    assert done.returncode == 0, done.stderr
    snapshot = json.loads((workspace / "schools/holtsmere-end.approved/social-media-v3.json").read_text())
    assert re.fullmatch(r"[0-9a-f]{16}", snapshot["wording"]["purpose"])
    # the school's new name rewords 'Purpose of this policy' as printed: not the library's doing
    edit(workspace, SCHOOL, "name: Holtsmere End Infant and Nursery School", "name: Holtsmere End Primary School")
    assert policygen(workspace, "check", "--all", "--strict").returncode == 0
    # the library rewording that same clause, which reads the school's name, is
    edit(workspace, PURPOSE, "expects of its staff when they use social media",
         "expects of all its staff when they use social media")
    done = policygen(workspace, "check", "--library")
    line = line_of(workspace, PURPOSE, "changelog:", "id: purpose")
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        f"{PURPOSE}:{line}:5: warning: the clause 'Purpose of this policy' (purpose) has been reworded since "
        "Holtsmere End Primary School approved it (version 3, 20 November 2026), but its changelog has no line "
        "since then: add one (the date and why), so `policygen changes` and the redline can give the governors "
        "the reason"]


def test_check_library_reads_the_approvals_of_the_schools_beside_that_library(workspace: Path):
    # a second project's library, reworded, with no schools of its own: the schools/ where policygen runs are
    # another project's, and their approvals are not this library's to explain
    shutil.copytree(workspace / "clauses", workspace / "other" / "clauses")
    reword_enquiries(workspace / "other")
    done = policygen(workspace, "check", "--library", "--library-dir", "other/clauses")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == f"ok: the library (no approvals read: {Path('other/schools')} is not a folder) checked, " \
                          "0 warning(s)\n"
    # the schools beside it are its own: their approvals are read
    shutil.copytree(workspace / "schools", workspace / "other" / "schools")
    done = policygen(workspace, "check", "--library", "--library-dir", "other/clauses")
    line = line_of(workspace / "other", ENQUIRIES, "changelog:", "id: media-enquiries")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"other/{ENQUIRIES}:{line}:5: warning: the clause 'Media enquiries' "
                                  "(media-enquiries) has been reworded since Bradley Primary School approved it")
    assert done.stdout == "ok: the library checked, 1 warning(s)\n"
    # the live library is not blamed for the other one's rewording
    done = policygen(workspace, "check", "--library")
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "ok: the library checked, 0 warning(s)\n")


def test_check_library_reads_the_approvals_schools_dir_names(workspace: Path):
    shutil.copytree(workspace / "clauses", workspace / "other" / "clauses")
    reword_enquiries(workspace / "other")
    done = policygen(workspace, "check", "--library", "--library-dir", "other/clauses", "--schools-dir", "schools")
    assert done.returncode == 0, done.stderr
    assert "(media-enquiries) has been reworded since Bradley Primary School approved it" in done.stderr
    assert done.stdout == "ok: the library checked, 1 warning(s)\n"
