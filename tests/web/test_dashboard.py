"""The dashboard groups schools under their trust, federation or HR service (group files), over real HTTP."""

from __future__ import annotations

from urllib.parse import quote

from web.conftest import Server, add_user, copy_fixture
from web.test_access import signed_in_client

GROUP = "Kirklees Schools HR"  # tests/fixtures/web/groups/kirklees-schools-hr.yaml, Bradley's group


def school_names(page: str) -> list[str]:
    return [name for name in ("Bradley Primary School", "Holtsmere End", "Roselands") if name in page]


def test_the_group_filter_lists_group_files_and_follows_their_edits(tmp_path):
    root = copy_fixture(tmp_path)
    add_user(root, "ann", "adviser")
    server = Server(root)
    try:
        with signed_in_client(server, "ann") as client:
            page = client.get("/").text
            assert f'<option value="{GROUP}">{GROUP}</option>' in page
            assert "Hertfordshire County Council" in page  # a school with no group: its local authority
            assert school_names(client.get(f"/?group={quote(GROUP)}").text) == ["Bradley Primary School"]
            # the HR service renames itself in its group file: the next page shows it, with no school file touched
            group_file = root / "groups" / "kirklees-schools-hr.yaml"
            group_file.write_text(group_file.read_text().replace(f"title: {GROUP}", "title: Kirklees HR for Schools"))
            page = client.get("/").text
            assert "Kirklees HR for Schools" in page and GROUP not in page
            assert school_names(client.get("/?group=Kirklees%20HR%20for%20Schools").text) == ["Bradley Primary School"]
    finally:
        server.stop()
