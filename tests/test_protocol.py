"""The worker protocol: one definition, checked by both sides."""

from __future__ import annotations

import subprocess

import pytest

from generator.render import protocol
from generator.render.office import find_libreoffice
from generator.render.profile import WORKER_SCRIPT


def test_a_message_round_trips_with_exactly_its_fields():
    line = protocol.encode(protocol.CONVERT, id=3, docx="/a b/ç.docx", pdf="/x.pdf")
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert protocol.decode(line) == {"type": "convert", "id": 3, "docx": "/a b/ç.docx", "pdf": "/x.pdf"}
    with pytest.raises(protocol.ProtocolError, match="no message 'convert'"):
        protocol.encode(protocol.CONVERT, id=3, docx="/a.docx")
    with pytest.raises(protocol.ProtocolError, match="no message 'ok'"):
        protocol.encode("ok", id=1)


@pytest.mark.parametrize("line, problem", [
    (b"not json", "not a JSON message"),
    (b'{"ok": true, "toc": []}', "unknown message"),
    (b'{"type": "done", "id": 1}', "done message lacks toc"),
    (b'[1, 2]', "unknown message"),
])
def test_anything_else_is_a_protocol_error(line, problem):
    with pytest.raises(protocol.ProtocolError, match=problem):
        protocol.decode(line)


def test_the_helper_refuses_another_protocol_version():
    office = find_libreoffice()
    assert office is not None, "LibreOffice with python3-uno must be installed (make test installs it)"
    done = subprocess.run([office.python, str(WORKER_SCRIPT), "unused-pipe", str(protocol.VERSION + 1)],
                          capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    message = protocol.decode(done.stdout)
    assert message["type"] == protocol.REFUSED
    assert f"policygen speaks protocol {protocol.VERSION + 1}, this helper {protocol.VERSION}" == message["reason"]
