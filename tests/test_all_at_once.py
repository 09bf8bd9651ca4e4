"""`check` reports every problem of a school in one run, not one round at a time (README: "Every problem
is reported at once"): a refused key is left out and the rest is still checked against the library."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES
from helpers import policygen


def edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text()
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text)


def test_shape_problems_and_problems_against_the_library_come_in_one_run_in_file_order(workspace: Path):
    edit(workspace / "schools" / "model-school.yaml",
         ('primary: "#1F3864"', 'primary: "blue"'),            # the file's shape
         ("      approvals: []\n", "      aproovals: []\n"),      # the file's shape
         ("      monitoring: routine\n", "      monitoring: routin\n"),  # against the library
         ("      exceptions: on\n", "      exceptionz: on\n"),    # against the library
         ("      owner: headteacher\n", "      owner: head\n"))   # against its own people
    done = policygen(workspace, "check", "schools/model-school.yaml")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert [line.split(":")[1] for line in lines] == sorted((line.split(":")[1] for line in lines), key=int)
    assert [line.split(": ", 1)[1] for line in lines] == [
        "branding.colours.primary: colour 'blue' must be written #RRGGBB, for example #1F3864",
        "monitoring: no variant 'routin' (did you mean 'routine'?); choose one of routine, occasional",
        "unknown clause 'exceptionz' (did you mean 'exceptions'?)",
        "owner 'head' is not one of the people in this file; add them under 'people:'",
        "unknown key 'aproovals' (did you mean 'approvals'?)"]


def test_a_refused_list_item_does_not_also_make_the_list_empty(workspace: Path):
    edit(workspace / "schools" / "model-school.yaml",
         ("      - {name: HR/Payroll, details: your school's HR adviser}\n", "      - HR/Payroll\n"),
         ("      monitoring: routine\n", "      monitoring: routin\n"))
    done = policygen(workspace, "check", "schools/model-school.yaml")
    messages = [line.split(": ", 1)[1] for line in done.stderr.splitlines()]
    assert messages == ["monitoring: no variant 'routin' (did you mean 'routine'?); choose one of routine, occasional",
                        "policies.social-media.contacts[0]: expected a mapping of keys to values (found 'HR/Payroll')"]


def test_a_locked_choice_and_a_bad_value_in_the_group_file_come_in_one_run(tmp_path: Path):
    project = tmp_path / "governance"
    shutil.copytree(FIXTURES / "governance", project)
    edit(project / "schools" / "birch-academy.yaml", ("  staff-code:\n", "  staff-code:\n    choices:\n      concerns: head-by-name\n"))
    edit(project / "groups" / "greenfields.yaml", ('primary: "#2E7D32"', 'primary: "green"'))
    done = policygen(project, "check", "schools/birch-academy.yaml")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "groups/greenfields.yaml:11:22: branding.colours.primary: colour 'green' must be written #RRGGBB, "
        "for example #1F3864",
        "schools/birch-academy.yaml:12:7: policies.staff-code.choices.concerns is locked by Greenfields Learning "
        "Trust (groups/greenfields.yaml:19): remove it from this file, or ask Greenfields Learning Trust to change it"]


def test_a_wrong_school_type_stops_before_the_checks_that_depend_on_it(workspace: Path):
    # with no type, roles and signatories would be a community school's: the checks against the library
    # would report problems that are not there, so the type comes first
    edit(workspace / "schools" / "model-school.yaml", ("type: school\n", "type: scool\n"),
         ("      monitoring: routine\n", "      monitoring: routin\n"))
    done = policygen(workspace, "check", "schools/model-school.yaml")
    [line] = done.stderr.splitlines()
    assert "unknown school type 'scool'" in line


def test_a_refused_choice_and_a_missing_signatory_come_in_one_run(workspace: Path):
    edit(workspace / "schools" / "model-school.yaml",
         ("  chair_of_governors: {name: The Chair of Governors, title: Chair of Governors}\n", ""),
         ("      monitoring: routine\n", "      monitoring: routin\n"))
    done = policygen(workspace, "check", "schools/model-school.yaml")
    lines = done.stderr.splitlines()
    assert any("Social Media Policy's form 'adoption-sign-off' names the person in the role 'chair_of_governors'" in line
               for line in lines), lines
    assert any("monitoring: no variant 'routin'" in line for line in lines), lines


def test_empty_lists_come_with_a_refused_choice_and_a_refused_key_in_one_run(workspace: Path):
    # both lists printed by clauses the school keeps, a choice the library refuses, and a key the file's shape
    # refuses: before, the lists were named only once the choice resolved, one more round for the user
    school = workspace / "schools" / "model-school.yaml"
    edit(school,
         ("    related_policies:\n      - The School's Disciplinary Policy and Procedure\n"
          "      - The School's Code of Conduct and Disciplinary Rules\n"
          "      - The School's policies on equal opportunities, and bullying and harassment\n",
          "    related_policies: []\n"),
         ("    contacts:\n      - {name: HR/Payroll, details: your school's HR adviser}\n    governance:\n"
          "      index_ref: HR-SM\n", "    contacts: []\n    governance:\n      index_ref: HR-SM\n"),
         ("      monitoring: routine\n", "      monitoring: routin\n"),
         ("      review_cycle_months: 12              # governors review it annually\n",
          "      review_cycle_months: 0\n"))
    lines = school.read_text().splitlines()
    at = {key: next(i for i, line in enumerate(lines, start=1) if line.startswith(key))
          for key in ("      monitoring: routin", "    related_policies: []", "    contacts: []", "      review_cycle")}
    done = policygen(workspace, "check", "schools/model-school.yaml")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"schools/model-school.yaml:{at['      monitoring: routin']}:19: monitoring: no variant 'routin' "
        "(did you mean 'routine'?); choose one of routine, occasional",
        f"schools/model-school.yaml:{at['    related_policies: []']}:5: the clause 'Policies to read with this one' "
        "(related-policies) lists policy.related_policies, but 'related_policies' is empty: list them under "
        "policies: social-media: related_policies:, or switch the clause off (related-policies: off)",
        f"schools/model-school.yaml:{at['    contacts: []']}:5: the clause 'Where to get advice' "
        "(further-information) lists policy.contacts, but 'contacts' is empty: list them under policies: "
        "social-media: contacts:, or switch the clause off (further-information: off)",
        f"schools/model-school.yaml:{at['      review_cycle']}:28: policies.social-media.governance."
        "review_cycle_months: must be greater than 0 (found 0)"]
    # the choice alone switches no list clause off, so fixing it leaves exactly the rest
    edit(school, ("      monitoring: routin\n", "      monitoring: routine\n"))
    again = policygen(workspace, "check", "schools/model-school.yaml").stderr.splitlines()
    assert again == done.stderr.splitlines()[1:]
