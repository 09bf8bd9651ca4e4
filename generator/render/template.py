"""The house-style template: read and checked once per version, prepared and compiled once per process.

The template (templates/house-style.docx, docs/templates.md) is a docxtpl
template holding the cover, the governance tables, the header and footer,
and a ``{{p body }}`` paragraph where the policy body goes. This is the only
module that opens it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from docx.oxml import parse_xml
from docx.oxml.ns import nsmap
from docxtpl import DocxTemplate, InlineImage  # noqa: F401 (InlineImage: for the cover, imported after the fix below)

# Importing docxtpl imports docxcompose, which maps python-docx's "cp" prefix to the
# custom-properties namespace for the whole process; core properties set after that
# (keywords, category, last modified by) land in the wrong namespace and core.xml is
# malformed (docxtpl issue 471, docxcompose issue 101). Put the core-properties
# namespace back: policygen writes no custom properties.
nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
from jinja2 import StrictUndefined  # noqa: E402
from lxml import etree  # noqa: E402

from generator.errors import TemplateError  # noqa: E402
from generator.files import (MAX_TEMPLATE_BYTES, MAX_TEMPLATE_UNPACKED, FileProblem,  # noqa: E402
                             not_regular, read_regular_file)
from generator.render.oxml import elements  # noqa: E402
from generator.sandbox import BoundedSandbox  # noqa: E402

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "house-style.docx"

# Styles the house template must define (docs/templates.md).
REQUIRED_STYLES = (
    "Normal", "Title", "Subtitle", "School Name", "Heading 1", "Heading 2", "TOC Heading",
    "TOC 1", "List Bullet", "List Bullet 2", "List Number", "List Number 2", "Table Grid",
    "Table Label", "Table Text", "Hyperlink", "Header", "Footer",
)
LIST_STYLES = ("List Bullet", "List Bullet 2", "List Number", "List Number 2")
BODY_TAG = re.compile(r"\{\{\s*p\s+body\s*\}\}")


@dataclass(frozen=True)
class HouseTemplate:
    """A house-style template, read and checked once: its bytes, style ids and list numbering."""

    data: bytes
    style_ids: dict[str, str]  # style name -> style id
    list_styles: dict[str, int]  # list style name -> its numbering definition


def open_template(template: Path) -> DocxTemplate:
    """Return a fresh docxtpl template of ``template``, checked for what policygen needs.

    The file is read and checked once per version (path, size and time of
    change); each call then parses a fresh copy from memory, since rendering
    changes the document.

    Raises:
        TemplateError: the template is missing, not a Word file, lacks a
            required style or the ``{{p body }}`` paragraph.
    """
    return HouseDocx(io.BytesIO(checked_template(Path(template)).data))


def checked_template(template: Path) -> HouseTemplate:
    """Return ``template`` read and checked (see :func:`open_template`), from the cache when unchanged.

    Raises:
        TemplateError: as for :func:`open_template`.
    """
    try:
        stat = template.stat()
    except OSError:
        raise TemplateError(f"{template}: house-style template not found") from None
    kind = not_regular(stat, "the house-style template")
    if kind:  # a FIFO would hang the read, a device never end it
        raise TemplateError(f"{template}: {kind}")
    return _check_template(template, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _check_template(template: Path, size: int, mtime_ns: int) -> HouseTemplate:
    try:
        data = read_regular_file(template, MAX_TEMPLATE_BYTES, "the house-style template")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateError(f"{template}: not a Word document (no word/document.xml)")
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_TEMPLATE_UNPACKED:
                raise TemplateError(f"{template}: the house-style template unpacks to {unpacked:,} bytes; "
                                    f"at most {MAX_TEMPLATE_UNPACKED:,} are read")
        doc = DocxTemplate(io.BytesIO(data)).get_docx()  # parse now, so a corrupt file fails here
    except FileProblem as exc:
        raise TemplateError(f"{template}: {exc.message}") from None
    except TemplateError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TemplateError(f"{template}: the house-style template is corrupt or not a .docx file ({exc})") from None
    except Exception as exc:  # lxml and docx parse errors
        raise TemplateError(f"{template}: the house-style template cannot be read ({type(exc).__name__}: {exc})") from None
    styles = {s.name: s for s in doc.styles}
    missing = [name for name in REQUIRED_STYLES if name not in styles]
    if missing:
        raise TemplateError(f"{template}: the house-style template lacks the style(s) {', '.join(missing)} "
                            "(see docs/templates.md)")
    if not any(BODY_TAG.search(p.text) for p in doc.paragraphs):
        raise TemplateError(f"{template}: the house-style template has no {{{{p body }}}} paragraph for the policy "
                            "body (see docs/templates.md)")
    return HouseTemplate(data, {name: style.style_id for name, style in styles.items()},
                         {name: elements.style_num_id(styles[name]) for name in LIST_STYLES})


class HouseDocx(DocxTemplate):
    """A docxtpl template whose preparation of each XML part is done once per process.

    docxtpl rewrites every part with a dozen regular expressions and compiles
    it as a Jinja template on each render; for the same house style the
    result is the same every time, so both are kept (see :data:`JINJA`).
    """

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        return _remember(self._patched, src_xml, lambda: super(HouseDocx, self).patch_xml(src_xml))

    def map_tree(self, tree: Any) -> None:
        # docxtpl parses the rendered body with a parser of its own, so its elements are plain lxml
        # elements, not python-docx's classes. Their Python proxies normally die when render()
        # returns; but while anything still holds render's frame (Dask's sampling profiler does,
        # every 10 ms), python-docx is handed the plain body, whose xpath() knows no prefixes:
        # "Undefined namespace prefix" from doc.inline_shapes, in about 1 cluster document in 130.
        # Parsed again by python-docx, no element of the document has a foreign proxy.
        super().map_tree(parse_xml(etree.tostring(tree)))


class _CompilingOnce(BoundedSandbox):
    """A sandboxed Jinja environment (bounded, see :mod:`generator.sandbox`) that compiles each
    distinct template text once."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        return _remember(self._compiled, source, lambda: super(_CompilingOnce, self).from_string(source))


JINJA = _CompilingOnce()  # the environment every render of the house template uses


def _remember(cache: dict[str, Any], key: str, make: Callable[[], Any], limit: int = 64) -> Any:
    """Return ``cache[key]``, made by ``make()`` the first time; past ``limit`` entries the cache starts over."""
    if key not in cache:
        if len(cache) >= limit:
            cache.clear()
        cache[key] = make()
    return cache[key]
