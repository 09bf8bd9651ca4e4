"""What a Dask worker does with one document: render the DOCX, lay it out and export the PDF.

The build sends each document as a :class:`DocumentTask`: the resolved
Policy (so a worker needs neither the library nor the school files), its
logo's bytes, the document's date and the formats. The house template is
sent once per worker and kept in the worker's scratch folder. The answer is
a :class:`DocumentResult` holding the files' bytes, which the build writes
atomically into OUT; a worker writes nothing there.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.errors import PolicygenError
from generator.model import Policy
from generator.render.docx import fill_toc, render_docx
from generator.render.reproducible import pin_pdf


@dataclass(frozen=True)
class DocumentTask:
    """One document to build on a worker."""

    name: str
    policy: Policy
    logo: bytes | None
    when: datetime
    pdf: bool


@dataclass(frozen=True)
class DocumentResult:
    """A built document's bytes, or why it failed."""

    name: str
    docx: bytes = b""
    pdf: bytes | None = None
    error: str | None = None


def build_document(task: DocumentTask, template: bytes) -> DocumentResult:
    """Build ``task`` with this worker's LibreOffice; input and conversion errors come back in the result."""
    from distributed import get_worker

    from generator.cluster.plugin import PLUGIN_NAME, LibreOfficePlugin

    plugin = get_worker().plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, LibreOfficePlugin) or plugin.scratch is None:
        return DocumentResult(task.name, error="this Dask worker has no policygen plugin "
                                               "(start it with policygen worker; see docs/scaling.md)")
    try:
        policy = _with_local_logo(task.policy, task.logo, plugin.scratch)
        docx = render_docx(policy, _template_file(template, plugin.scratch), when=task.when)
        if not task.pdf:
            return DocumentResult(task.name, docx)
        toc, pdf = plugin.convert(docx)
        return DocumentResult(task.name, fill_toc(docx, toc), pin_pdf(pdf, task.when))
    except PolicygenError as exc:
        return DocumentResult(task.name, error=str(exc))


def _template_file(data: bytes, scratch: Path) -> Path:
    """Return a file in ``scratch`` holding the template ``data`` (written once per worker)."""
    path = scratch / f"template-{hashlib.sha256(data).hexdigest()[:16]}.docx"
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path


def _with_local_logo(policy: Policy, logo: bytes | None, scratch: Path) -> Policy:
    """Return ``policy`` with its logo in ``scratch``, under its own file name (which the DOCX records)."""
    if policy.brand.logo is None or logo is None:
        return policy
    folder = scratch / "logos" / hashlib.sha256(logo).hexdigest()[:16]
    path = folder / Path(policy.brand.logo).name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{path.name}.part"
        tmp.write_bytes(logo)
        tmp.replace(path)
    return dataclasses.replace(policy, brand=dataclasses.replace(policy.brand, logo=path))


def office_fingerprint() -> str:
    """Return the digest of this machine's LibreOffice build (run on each worker)."""
    from generator.fingerprint import office_digest
    from generator.render.pdf import find_libreoffice

    office = find_libreoffice()
    return office_digest(office.soffice) if office else "none"
