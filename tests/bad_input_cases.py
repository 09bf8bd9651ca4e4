"""The bad-input corpus: each case edits a valid school file (or the library,
or the template) and names the exact message policygen must print.

A case is (id, edits, expected lines). ``edits`` is a list of (old, new)
replacements applied to tests/fixtures/bad-input/base.yaml; the special keys
are documented in test_bad_input.py. Every expected line is
``file:line:col: message`` with the file relative to the case's folder.
"""

from pathlib import Path

S = "school.yaml"
BASE = (Path(__file__).parent / "fixtures" / "bad-input" / "base.yaml").read_text()
XML = ("the character {} cannot go into a Word document; remove it "
       "(control characters often come from text copied out of another program)")
DEEP = "nested more than 50 levels deep; a policygen file needs only a few levels"


def raw(edits: list[tuple[str, str]]) -> bytes:
    """Return base.yaml with ``edits`` made, as bytes (for characters a text edit cannot carry)."""
    text = BASE
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return text.encode("utf-8", "surrogatepass")


def laughs(levels: int = 9) -> str:
    """Return a 'billion laughs' YAML file: each alias repeats the one before nine times."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "name: Test School\n" + "\n".join(lines) + "\n"

SCHOOL_CASES = [
    ("tab-indent", [("  font: Carlito", "\tfont: Carlito")],
     [f"{S}:7:1: tab character in indentation; YAML needs spaces"]),
    ("duplicate-key", [("type: school\n", "type: school\nname: Again\n")],
     [f"{S}:3:1: duplicate key 'name'; each key may appear once in a mapping"]),
    ("empty-file", "", [f"{S}:1:1: file is empty; expected a mapping of keys to values"]),
    ("top-level-list", "- name: Test School\n", [f"{S}:1:1: expected a mapping of keys to values, found a list"]),
    ("top-level-scalar", "Test School\n",
     [f"{S}:1:1: expected a mapping of keys to values, found a single value"]),
    ("unclosed-quote", [('primary: "#112233"', 'primary: "#112233')],
     [f"{S}:7:3: invalid YAML: expected ',' or '}}', but got '<scalar>'"]),
    ("bad-indentation", [("type: school", " type: school")],
     [f"{S}:2:6: invalid YAML: mapping values are not allowed here"]),
    ("yaml-tag", [("name: Test School", "name: !!python/object:os.system Test School")],
     [f"{S}:1:7: YAML tags such as 'tag:yaml.org,2002:python/object:os.system' are not allowed; write plain values"]),
    ("unknown-key-near-miss", [("local_authority:", "local_authorty:")],
     [f"{S}:3:1: unknown key 'local_authorty' (did you mean 'local_authority'?)"]),
    ("missing-name", [("name: Test School\n", "")],
     [f"{S}:1:1: missing required key 'name' in the top level"]),
    ("name-is-a-list", [("name: Test School", "name: [Test, School]")],
     [f"{S}:1:1: name: expected text"]),
    ("unknown-type", [("type: school", "type: college")],
     [f"{S}:2:7: type: unknown school type 'college'; choose one of community, voluntary-controlled, voluntary-aided, foundation, academy, free-school, federation, maintained-nursery, independent"]),
    ("bad-colour-short", [('primary: "#112233"', 'primary: "#12345"')],
     [f"{S}:6:22: branding.colours.primary: colour '#12345' must be written #RRGGBB, for example #1F3864"]),
    ("colour-name", [('accent: "#445566"', "accent: blue")],
     [f"{S}:6:41: branding.colours.accent: colour 'blue' must be written #RRGGBB, for example #1F3864"]),
    ("unknown-branding-key", [("  font: Carlito", "  fnt: Carlito")],
     [f"{S}:7:3: unknown key 'fnt' (did you mean 'font'?)"]),
    ("logo-missing", [("logo: logo.png", "logo: crest.png")],
     [f"{S}:5:9: logo file not found: crest.png"]),
    ("logo-not-an-image", [("logo: logo.png", "logo: notes.txt")],
     [f"{S}:5:9: logo notes.txt is not a PNG, JPEG, GIF, BMP or TIFF image"]),
    ("unknown-clause", [("personal-use-at-work: never", "personal-use: never\n      personal-use-at-work: never")],
     [f"{S}:14:7: unknown clause 'personal-use' (did you mean 'personal-use-at-work'?)"]),
    ("unknown-variant", [("personal-use-at-work: never", "personal-use-at-work: sometimes")],
     [f"{S}:14:29: personal-use-at-work: no variant 'sometimes'; choose one of never, designated-place, outside-working-hours"]),
    ("variant-near-miss", [("monitoring: routine", "monitoring: routin")],
     [f"{S}:15:19: monitoring: no variant 'routin' (did you mean 'routine'?); choose one of routine, occasional"]),
    ("missing-required-choice", [("      personal-use-at-work: never\n", "")],
     [f"{S}:13:5: missing required choice 'personal-use-at-work' (Personal use at work) for the social-media policy: choose one of never, designated-place, outside-working-hours"]),
    ("optional-not-on-off", [("monitoring: routine", "monitoring: routine\n      legal-framework: maybe")],
     [f"{S}:16:24: legal-framework: expected on or off (found 'maybe')"]),
    ("fixed-clause-chosen", [("monitoring: routine", "monitoring: routine\n      purpose: on")],
     [f"{S}:16:16: purpose: this clause is fixed (always printed); remove it from choices"]),
    ("choices-not-a-mapping", [("    choices:\n      personal-use-at-work: never\n      monitoring: routine\n",
                                "    choices: [never, routine]\n")],
     [f"{S}:13:5: policies.social-media.choices: expected a mapping of keys to values"]),
    ("impossible-date", [("date: 2025-09-01", "date: 2025-02-30")],
     [f"{S}:22:32: impossible date '2025-02-30' (day is out of range for month)"]),
    ("date-as-words", [("date: 2025-09-01", "date: last September")],
     [f"{S}:22:32: policies.social-media.governance.approvals[0].date: expected a date written YYYY-MM-DD (found 'last September')"]),
    ("approvals-out-of-order", [("        - {version: \"1\", date: 2025-09-01, by: Full Governing Body}",
                                 "        - {version: \"1\", date: 2025-09-01, by: Full Governing Body}\n"
                                 "        - {version: \"2\", date: 2024-09-01, by: Full Governing Body}")],
     [f"{S}:21:7: policies.social-media.governance.approvals: approvals must be in date order: 1 September 2024 comes after 1 September 2025"]),
    ("approval-missing-version", [('{version: "1", date:', "{date:")],
     [f"{S}:22:11: missing required key 'version' in policies.social-media.governance.approvals[0]"]),
    ("unknown-policy", [("  social-media:", "  social-meda:")],
     [f"{S}:12:3: unknown policy 'social-meda' (did you mean 'social-media'?); the library has social-media"]),
    ("owner-not-a-person", [("owner: headteacher", "owner: bursar")],
     [f"{S}:20:14: owner 'bursar' is not one of the people in this file; add them under 'people:'"]),
    ("unknown-governance-key", [("      owner: headteacher", "      owner: headteacher\n      aproving_body: FGB")],
     [f"{S}:21:7: unknown key 'aproving_body' (did you mean 'approving_body'?)"]),
    ("review-cycle-zero", [("      owner: headteacher", "      owner: headteacher\n      review_cycle_months: 0")],
     [f"{S}:21:28: policies.social-media.governance.review_cycle_months: must be greater than 0 (found 0)"]),
    ("review-cycle-words", [("      owner: headteacher", "      owner: headteacher\n      review_cycle_months: two years")],
     [f"{S}:21:28: policies.social-media.governance.review_cycle_months: expected a whole number (found 'two years')"]),
    ("person-without-name", [("chair_of_governors: {name: Bob Chair}", "chair_of_governors: {title: Chair}")],
     [f"{S}:10:3: missing required key 'name' in people.chair_of_governors"]),
    ("role-with-spaces", [("  headteacher: {name: Ann Head, title: Headteacher}",
                           "  headteacher: {name: Ann Head, title: Headteacher}\n  Head Teacher: {name: Ann Head}")],
     [f"{S}:10:3: people.Head Teacher: must be a role name of lower-case letters, digits and underscores, such as chair_of_governors (found 'Head Teacher')"]),
    ("contact-not-a-mapping", [('- {name: HR, details: "01234 567890"}', "- HR on 01234 567890")],
     [f"{S}:18:9: policies.social-media.contacts[0]: expected a mapping of keys to values (found 'HR on 01234 567890')"]),
    ("related-policies-empty", [("related_policies: [Code of Conduct]", "related_policies: []")],
     [f"{S}:16:5: the clause 'Policies to read with this one' (related-policies) lists policy.related_policies, but "
      "'related_policies' is empty: list them under policies: social-media: related_policies:, or switch the clause off "
      "(related-policies: off)"]),
    ("addition-unknown-section", [("    related_policies:", "    additions:\n      - {section: breaches-of-policy, title: Extra, text: More.}\n    related_policies:")],
     [f"{S}:17:19: unknown section 'breaches-of-policy' (did you mean 'breaches'?)"]),
    ("addition-unknown-after", [("    related_policies:", "    additions:\n      - {section: breaches, after: breach, title: Extra, text: More.}\n    related_policies:")],
     [f"{S}:17:36: clause 'breach' is not in section 'breaches' (did you mean 'breaches'?)"]),
    ("two-errors-at-once", [('primary: "#112233"', 'primary: "#12"'), ("type: school", "type: college")],
     [f"{S}:2:7: type: unknown school type 'college'; choose one of community, voluntary-controlled, voluntary-aided, foundation, academy, free-school, federation, maintained-nursery, independent",
      f"{S}:6:22: branding.colours.primary: colour '#12' must be written #RRGGBB, for example #1F3864"]),
    ("not-utf8", b"name: Caf\xe9 School\n",
     [f"{S}:1:10: file is not UTF-8 text (byte 0xE9: invalid continuation byte); save it as UTF-8"]),

    # --- bytes and characters (issue 10, items 3 and 6) ---
    ("latin1-on-line-7", raw([("font: Carlito", "font: Carlito")])[:-1].replace(b"font: Carlito", b"font: Carl\xeeto") + b"\n",
     [f"{S}:7:13: file is not UTF-8 text (byte 0xEE: invalid continuation byte); save it as UTF-8"]),
    ("latin1-after-accents", raw([("local_authority: Test Council", "local_authority: Tést Cöuncil")])
     .replace("Cöuncil".encode(), "Cöuncil ".encode() + b"\xa3"),
     [f"{S}:3:31: file is not UTF-8 text (byte 0xA3: invalid start byte); save it as UTF-8"]),
    ("nul-byte", raw([("type: school", "type: sch\0ool")]),
     [f"{S}:2:10: the character U+0000 is not allowed in a YAML file; delete it (is this a text file saved as UTF-8?)"]),
    ("raw-control-character", raw([("name: Test School", "name: Test\x01School")]),
     [f"{S}:1:11: the character U+0001 is not allowed in a YAML file; delete it (is this a text file saved as UTF-8?)"]),
    ("raw-delete-character", raw([("Bob Chair", "Bob\x7fChair")]),
     [f"{S}:10:33: the character U+007F is not allowed in a YAML file; delete it (is this a text file saved as UTF-8?)"]),
    ("escaped-vertical-tab-in-name", [("name: Test School", 'name: "Test\\vSchool"')], [f"{S}:1:7: " + XML.format("U+000B")]),
    ("escaped-x01-in-alt-text", [("  font: Carlito", '  font: Carlito\n  logo_alt: "Crest\\x01"')],
     [f"{S}:8:13: " + XML.format("U+0001")]),
    ("escaped-form-feed-in-font", [("font: Carlito", 'font: "Carl\\fito"')], [f"{S}:7:9: " + XML.format("U+000C")]),
    ("escaped-control-in-addition", [("    related_policies:", '    additions:\n      - {section: breaches, title: Extra, '
                                      'text: "More\\x1b[31m."}\n    related_policies:')],
     [f"{S}:17:49: " + XML.format("U+001B")]),
    ("escaped-control-in-addition-title", [("    related_policies:", '    additions:\n      - {section: breaches, '
                                            'title: "Ex\\x02tra", text: More.}\n    related_policies:')],
     [f"{S}:17:36: " + XML.format("U+0002")]),
    ("lone-surrogate-in-motto", [("  font: Carlito", '  font: Carlito\n  motto: "Learn \\ud800 together"')],
     [f"{S}:8:10: " + XML.format("U+D800")]),
    ("noncharacter-in-person", [("Bob Chair", '"Bob \\uFFFF Chair"')], [f"{S}:10:30: " + XML.format("U+FFFF")]),
    ("escaped-nul-in-related-policy", [("[Code of Conduct]", '["Code\\0of Conduct"]')],
     [f"{S}:16:24: " + XML.format("U+0000")]),
    ("escaped-control-in-key", [("monitoring: routine", 'monitoring: routine\n      "x\\x03y": on')],
     [f"{S}:16:7: " + XML.format("U+0003")]),

    # --- keys and tags (item 6) ---
    ("null-key", [("type: school", "type: school\nnull: 3")], [f"{S}:3:1: a key is empty or null; write a name before the ':'"]),
    ("tilde-key", [("  font: Carlito", "  font: Carlito\n  ~: x")], [f"{S}:8:3: a key is empty or null; write a name before the ':'"]),
    ("empty-key", [("type: school", "type: school\n: orphan")], [f"{S}:3:1: a key is empty or null; write a name before the ':'"]),
    ("list-as-key", [("type: school", "type: school\n? [a, b]\n: c")], [f"{S}:3:3: a key must be a name, not a list or mapping"]),
    ("alias-as-key", [("type: school", "type: &t school\n*t : x")], [f"{S}:3:1: a key must be a name, not the alias '*t'"]),
    ("tag-on-key", [("type: school", "!!str type: school")],
     [f"{S}:2:1: YAML tags such as 'tag:yaml.org,2002:str' are not allowed; write plain values"]),
    ("tag-on-root", "--- !school\n" + BASE, [f"{S}:1:5: YAML tags such as '!school' are not allowed; write plain values"]),
    ("tag-on-root-map", "!!map\n" + BASE, [f"{S}:1:1: YAML tags such as 'tag:yaml.org,2002:map' are not allowed; write plain values"]),
    ("non-specific-tag", [("type: school", "type: ! school")], [f"{S}:2:7: YAML tags such as '!' are not allowed; write plain values"]),
    ("tag-on-nested-value", [("monitoring: routine", "monitoring: !!binary cm91dGluZQ==")],
     [f"{S}:15:19: YAML tags such as 'tag:yaml.org,2002:binary' are not allowed; write plain values"]),

    # --- size and shape of the YAML (item 6) ---
    ("alias-bomb", laughs(), [f"{S}:7:10: the alias '*a4' makes this file more than 100,000 values long; "
                              "write the values out instead of repeating aliases"]),
    ("deep-flow-nesting", BASE + "extra: " + "[" * 10_000 + "]" * 10_000 + "\n", [f"{S}:23:57: " + DEEP]),
    ("deep-block-nesting", BASE + "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "end\n",
     [f"{S}:73:51: " + DEEP]),
    ("deep-mapping-in-flow", "name: Test School\nx: " + "{a: " * 60 + "1" + "}" * 60 + "\n", [f"{S}:2:200: " + DEEP]),
    ("file-over-1-mb", BASE + "# " + "x" * 1_100_000 + "\n", [f"{S}: file is 1.1 MB; policygen reads at most 1 MB"]),

    # --- values the model refuses (item 7, school-file parts; item 3 lengths) ---
    ("review-cycle-true", [("      owner: headteacher", "      owner: headteacher\n      review_cycle_months: true")],
     [f"{S}:21:28: policies.social-media.governance.review_cycle_months: expected a whole number (found True)"]),
    ("review-cycle-fraction", [("      owner: headteacher", "      owner: headteacher\n      review_cycle_months: 1.5")],
     [f"{S}:21:28: policies.social-media.governance.review_cycle_months: expected a whole number (found 1.5)"]),
    ("duplicate-approval-version", [("        - {version: \"1\", date: 2025-09-01, by: Full Governing Body}",
                                     "        - {version: \"1\", date: 2025-09-01, by: Full Governing Body}\n"
                                     "        - {version: \"1\", date: 2025-10-01, by: Full Governing Body}")],
     [f"{S}:23:21: version '1' is already recorded at line 22; each approval has a version of its own"]),
    ("date-as-number", [("date: 2025-09-01", "date: 20250901")],
     [f"{S}:22:32: policies.social-media.governance.approvals[0].date: expected a date written YYYY-MM-DD (found 20250901)"]),
    ("date-as-true", [("date: 2025-09-01", "date: true")],
     [f"{S}:22:32: policies.social-media.governance.approvals[0].date: expected a date written YYYY-MM-DD (found True)"]),
    ("name-too-long-for-the-title", [("name: Test School", "name: " + "A" * 246)],
     [f"{S}:1:7: name: is 246 characters long; at most 150 fit"]),
    ("version-too-long", [('{version: "1",', '{version: "' + "1." * 40 + '",')],
     [f"{S}:22:21: policies.social-media.governance.approvals[0].version: is 80 characters long; at most 60 fit"]),
    ("choice-id-too-long", [("monitoring: routine", "monitoring: routine\n      " + "x" * 61 + ": on")],
     [f"{S}:16:7: policies.social-media.choices.{'x' * 61}: is 61 characters long; at most 60 fit"]),
]

# (id, file under clauses/social-media/, (old, new) edits, expected lines relative to the case folder)
LIBRARY_CASES = [
    ("library-duplicate-id", "clauses/99-extra.yaml",
     "clauses:\n  - id: purpose\n    title: Again\n    kind: fixed\n    text: Hi.\n",
     ["clauses/social-media/clauses/99-extra.yaml:2:9: duplicate clause id 'purpose' (first defined at 01-introduction.yaml:5)"]),
    ("library-missing-clause", "policy.yaml", [("clauses: [monitoring]", "clauses: [monitorng]")],
     ["clauses/social-media/policy.yaml:44:15: unknown clause 'monitorng' (did you mean 'monitoring'?)"]),
    ("library-jinja-syntax", "clauses/99-extra.yaml",
     "clauses:\n  - id: extra\n    title: Extra\n    kind: fixed\n    text: |\n      First line.\n      {% if school.name %}\n",
     ["clauses/social-media/clauses/99-extra.yaml:7:1: template syntax error: "
      "'{% if %}' is never closed; add '{% endif %}'"]),
    ("library-unknown-placeholder", "clauses/99-extra.yaml",
     "clauses:\n  - id: extra\n    title: Extra\n    kind: fixed\n    text: |\n      Welcome to {{ school.nam }}.\n",
     ["clauses/social-media/clauses/99-extra.yaml:6:1: unknown placeholder 'school.nam' (did you mean 'name'?); school data has: "
      "approving_body, employer, governing_body, hr_service, local_authority, motto, name, people, reviewing_body, "
      "short_name, trust, type, website"]),
    ("library-bad-default", "clauses/07-recruitment-monitoring-breaches.yaml",
     [("    default: shortlisted-only", "    default: shortlisted")],
     ["clauses/social-media/clauses/07-recruitment-monitoring-breaches.yaml:9:14: default 'shortlisted' is not a variant (did you mean 'shortlisted-only'?)"]),
    ("library-one-variant-choice", "clauses/99-extra.yaml",
     "clauses:\n  - id: extra\n    title: Extra\n    kind: choice\n    default: a\n    variants:\n      a: {label: A, text: Only.}\n",
     ["clauses/social-media/clauses/99-extra.yaml:2:5: clauses[0]: a choice clause needs at least two 'variants'"]),
]


def extra_clause(text: str, title: str = "Extra") -> str:
    """Return a clause file holding one fixed clause with ``text`` (a block scalar from line 6)."""
    return f"clauses:\n  - id: extra\n    title: {title}\n    kind: fixed\n    text: |\n      {text}\n"


X = "clauses/social-media/clauses/99-extra.yaml"
NOT_ALLOWED = "not allowed in a clause template: "
LINK = "is not allowed: a link must start https://, http:// or mailto: (write other addresses as plain text)"

LIBRARY_CASES += [
    # --- characters and lengths in the library (item 3) ---
    ("library-title-control-character", "../library.yaml", [("title: Model staff", 'title: "Model\\fstaff"')],
     ["clauses/library.yaml:4:8: " + XML.format("U+000C")]),
    ("library-version-too-long", "../library.yaml", [('version: "2026.11"', 'version: "' + "2026.11-" * 10 + '"')],
     ["clauses/library.yaml:3:10: version: is 80 characters long; at most 60 fit"]),
    ("clause-title-control-character", "clauses/99-extra.yaml", extra_clause("Text.", '"Ex\\x01tra"'),
     [f"{X}:3:12: " + XML.format("U+0001")]),
    ("form-row-control-character", "forms/adoption-sign-off.yaml", [("- sign: Headteacher", '- sign: "Head\\x0bteacher"')],
     ["clauses/social-media/forms/adoption-sign-off.yaml:8:11: " + XML.format("U+000B")]),  # and no "unknown form"
    ("policy-title-too-long", "policy.yaml", [("title: Social Media Policy", "title: " + "Social Media " * 9)],
     ["clauses/social-media/policy.yaml:4:8: title: is 116 characters long; at most 100 fit"]),
    ("library-review-cycle-true", "policy.yaml", [("review_cycle_months: 24", "review_cycle_months: true")],
     ["clauses/social-media/policy.yaml:6:22: review_cycle_months: expected a whole number (found True)"]),
    ("library-tag", "policy.yaml", [("subject: Staff use", "subject: !!str Staff use")],
     ["clauses/social-media/policy.yaml:5:10: YAML tags such as 'tag:yaml.org,2002:str' are not allowed; write plain values"]),
    ("library-alias-bomb", "clauses/99-extra.yaml", laughs(),
     ["clauses/social-media/clauses/99-extra.yaml:7:10: the alias '*a4' makes this file more than 100,000 values "
      "long; write the values out instead of repeating aliases"]),
    # --- templates that fail for every school (item 9) ---
    ("clause-huge-power", "clauses/99-extra.yaml", extra_clause("{{ 9**(9**10) }}"),
     [f"{X}:6:1: {NOT_ALLOWED}9 ** 3486784401 is too large a number to compute"]),
    ("clause-huge-repeat", "clauses/99-extra.yaml", extra_clause("{{ 'x' * 3000000000 }}"),
     [f"{X}:6:1: {NOT_ALLOWED}the result would be 3,000,000,000 characters or items long; at most 100,000 fit in a clause"]),
    ("clause-nested-ranges", "clauses/99-extra.yaml",
     extra_clause("{% for a in range(100000) %}{% for b in range(100000) %}.{% endfor %}{% endfor %}"),
     [f"{X}:6:1: {NOT_ALLOWED}the template does too much work (more than 250,000 steps); simplify its loops"]),
    ("clause-range-too-long", "clauses/99-extra.yaml", extra_clause("{% for a in range(10**9) %}.{% endfor %}"),
     [f"{X}:6:1: {NOT_ALLOWED}the number 1,000,000,000 is too large here; at most 100,000"]),
    ("clause-loop-over-long-text", "clauses/99-extra.yaml",
     extra_clause("{% for c in 'x' * 100000 %}{% for d in 'x' * 100000 %}{% endfor %}{% endfor %}"),
     [f"{X}:6:1: {NOT_ALLOWED}the template does too much work (more than 250,000 steps); simplify its loops"]),
    ("clause-doubling-text", "clauses/99-extra.yaml",
     extra_clause("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"),
     [f"{X}:6:1: {NOT_ALLOWED}the result would be 131,072 characters or items long; at most 100,000 fit in a clause"]),
    ("clause-huge-filter-width", "clauses/99-extra.yaml", extra_clause("{{ school.name | center(3000000000) }}"),
     [f"{X}:6:1: {NOT_ALLOWED}the number 3,000,000,000 is too large here; at most 100,000"]),
    ("clause-huge-format-width", "clauses/99-extra.yaml", extra_clause("{{ '{:>999999999}'.format(1) }}"),
     [f"{X}:6:1: {NOT_ALLOWED}a width of 999,999,999 in a format is too large; at most 100,000"]),
    ("clause-huge-percent-width", "clauses/99-extra.yaml", extra_clause("{{ '%0999999999d' % 1 }}"),
     [f"{X}:6:1: {NOT_ALLOWED}a width of 999,999,999 in a format is too large; at most 100,000"]),
    ("clause-division-by-zero", "clauses/99-extra.yaml", extra_clause("Fine.\n      {{ 1/0 }}"),
     [f"{X}:7:1: template error: division by zero"]),
    ("clause-endless-recursion", "clauses/99-extra.yaml",
     extra_clause("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"),
     [f"{X}:6:1: template error: maximum recursion depth exceeded"]),
    ("clause-unsafe-attribute", "clauses/99-extra.yaml", extra_clause("{{ school.__class__ }}"),
     [f"{X}:6:1: unknown placeholder 'school.__class__'; school data has: approving_body, employer, governing_body, "
      "hr_service, local_authority, motto, name, people, reviewing_body, short_name, trust, type, website"]),
    ("clause-control-character-literal", "clauses/99-extra.yaml", extra_clause("Bad {{ '\\x0b' }} text."),
     [f"{X}:6:1: " + XML.format("U+000B")]),
    # --- links in clause text (item 10) ---
    ("clause-link-ms-msdt", "clauses/99-extra.yaml", extra_clause("See [help](ms-msdt:/id%20PCWDiagnostic)."),
     [f"{X}:6:1: link to 'ms-msdt:/id PCWDiagnostic' {LINK}"]),
    ("clause-link-unc", "clauses/99-extra.yaml", extra_clause("See [the share](\\\\\\\\server\\\\policies)."),
     [f"{X}:6:1: link to '\\\\server\\policies' {LINK}"]),
    ("clause-link-file", "clauses/99-extra.yaml", extra_clause("See <file:///etc/passwd>."),
     [f"{X}:6:1: link to 'file:///etc/passwd' {LINK}"]),
]


def addition(text: str) -> list[tuple[str, str]]:
    """Return the edit that adds a school addition with ``text`` (on line 17, its text from column 46)."""
    return [("    related_policies:", f"    additions:\n      - {{section: breaches, title: Extra, text: '{text}'}}\n"
                                      "    related_policies:")]


SCHOOL_CASES += [
    # --- links in a school's additions (item 10) ---
    ("addition-link-ms-msdt", addition("Run [this](ms-msdt:/id%20PCWDiagnostic)."),
     [f"{S}:17:49: link to 'ms-msdt:/id PCWDiagnostic' {LINK}"]),
    ("addition-link-search-ms", addition("Find [it](search-ms:query=policy&crumb=location:\\\\evil)."),
     [f"{S}:17:49: link to 'search-ms:query=policy&crumb=location:\\evil' {LINK}"]),
    ("addition-link-smb", addition("Open <smb://fileserver/hr/policies>."),
     [f"{S}:17:49: link to 'smb://fileserver/hr/policies' {LINK}"]),
    ("addition-link-unc", addition("Open [the share](\\\\\\\\fileserver\\\\hr)."),
     [f"{S}:17:49: link to '\\\\fileserver\\hr' {LINK}"]),
    ("addition-link-relative", addition("Read [the handbook](handbook.docx)."),
     [f"{S}:17:49: link to 'handbook.docx' {LINK}"]),
    ("addition-link-javascript", addition("Click [here](javascript:alert(1))."),
     [f"{S}:17:49: link to 'javascript:alert(1)' {LINK}"]),
    ("addition-link-file", addition("Open <file:///C:/Windows/win.ini>."),
     [f"{S}:17:49: link to 'file:///C:/Windows/win.ini' {LINK}"]),
    ("addition-link-no-host", addition("Visit [us](https:/nowhere)."),
     [f"{S}:17:49: link to 'https:/nowhere' {LINK}"]),
]
