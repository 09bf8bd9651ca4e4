"""A school's logo: checked, and made fit to embed on the cover.

:func:`logo_problem` says why a logo cannot be used (for ``check``, located
by the caller); :func:`logo_for_document` returns the bytes to embed and the
size to show them at. Both read the file through
:func:`~generator.files.read_regular_file` and decode it fully with Pillow,
so a truncated file, a header that claims 0×0 pixels or a decompression bomb
is found before a document is built, not by LibreOffice.

What gets embedded:

- PNG, GIF, BMP and TIFF as they are, JPEG too unless it is CMYK (which
  python-docx cannot read, and some viewers show in false colours): that is
  converted to RGB;
- images larger than the cover needs (more than :data:`MAX_EMBED_PX`) are
  scaled down, so a 6000-pixel photograph adds 200 KB, not 20 MB;
- the shown size fits a box as wide as the text and 3.2 cm high, keeping
  the logo's proportions; a logo more than :data:`MAX_RATIO` times wider
  than high (or higher than wide) is refused, since it could only be shown
  as a line.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from docx.image.image import Image as DocxImage
from PIL import Image, UnidentifiedImageError

from generator.files import FileProblem, read_regular_file

MAX_LOGO_BYTES = 10_000_000  # a print-quality crest is well under 1 MB
MAX_PIXELS = 40_000_000  # 40 megapixels decode to 160 MB; more is a mistake or a decompression bomb
MAX_RATIO = 20
MAX_EMBED_PX = (2000, 400)  # the cover box (16.6 cm × 3.2 cm) at 300 dpi, rounded up
BOX_CM = (16.6, 3.2)
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "BMP": "image/bmp", "TIFF": "image/tiff"}


class LogoProblem(Exception):
    """Why a logo cannot be used, worded for the person who chose it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LogoImage:
    """A logo ready to embed: its bytes and the size to show it at."""

    data: bytes
    width_cm: float
    height_cm: float


def logo_problem(logo: str, school_dir: Path) -> str | None:
    """Return why the logo written ``logo`` in a school file in ``school_dir`` cannot be used, or None."""
    if Path(logo).is_absolute():
        return (f"logo {logo!r} is an absolute path; give a path relative to the school file, "
                "and keep the logo in the school's folder")
    path = school_dir / logo
    if not path.exists():
        return f"logo {logo} is a broken symbolic link" if path.is_symlink() else f"logo file not found: {logo}"
    if not _inside(path, school_dir):
        return f"logo {logo} is outside the school's folder (through '..' or a symbolic link); copy the file in"
    try:
        logo_for_document(path)
    except LogoProblem as exc:
        return exc.message
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symbolic link loop
        return False


def logo_for_document(path: Path) -> LogoImage:
    """Return the logo at ``path`` ready to embed.

    The file is read on every call (so whoever watches what a build reads
    sees it); decoding and converting it is done once per content.

    Raises:
        LogoProblem: it is missing, not a regular file, too large, not a
            supported image, corrupt, or of an extreme shape.
    """
    path = Path(path)
    name = path.name
    try:
        data = read_regular_file(path, MAX_LOGO_BYTES, f"logo {name}")
    except FileNotFoundError:
        raise LogoProblem(f"logo file not found: {name}") from None
    except FileProblem as exc:
        raise LogoProblem(exc.message) from None
    key = (name, hashlib.sha256(data).digest())
    if key not in _PREPARED:
        if len(_PREPARED) >= 64:
            _PREPARED.clear()
        _PREPARED[key] = _prepare(name, data)
    return _PREPARED[key]


_PREPARED: dict[tuple[str, bytes], LogoImage] = {}  # (file name, digest of its bytes) -> prepared logo


def _prepare(name: str, data: bytes) -> LogoImage:
    kind = "image"
    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
            kind = f"{image.format} image"
            width, height = image.size
            if width < 1 or height < 1:
                raise LogoProblem(f"logo {name} is {width}×{height} pixels; it has no picture to show")
            if width * height > MAX_PIXELS:
                raise LogoProblem(f"logo {name} is {width}×{height} pixels; at most {MAX_PIXELS // 1_000_000} "
                                  "megapixels are read (a logo needs about 2000×400)")
            if max(width, height) > MAX_RATIO * min(width, height):
                raise LogoProblem(f"logo {name} is {width}×{height} pixels; a logo may be at most {MAX_RATIO} "
                                  "times wider than it is high, or higher than wide")
            image.load()  # decode it all: a truncated or corrupt file fails here
            data = _embeddable(image, data)
    except LogoProblem:
        raise
    except UnidentifiedImageError:
        raise LogoProblem(_unidentified(name, data)) from None
    except Image.DecompressionBombError:
        raise LogoProblem(f"logo {name} is too many pixels to read safely") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise LogoProblem(f"logo {name} is not a readable {kind} ({exc})") from None
    scale = min(BOX_CM[0] / width, BOX_CM[1] / height)
    return LogoImage(data, round(width * scale, 3), round(height * scale, 3))


def _unidentified(name: str, data: bytes) -> str:
    """Return why Pillow could not open ``data``: a header it refuses (0×0), or no image at all."""
    try:
        header = DocxImage.from_blob(data)  # python-docx reads headers Pillow refuses, such as 0×0
    except Exception:  # noqa: BLE001 - not an image python-docx knows either
        return f"logo {name} is not a PNG, JPEG, GIF, BMP or TIFF image"
    if header.px_width < 1 or header.px_height < 1:
        return f"logo {name} is {header.px_width}×{header.px_height} pixels; it has no picture to show"
    return f"logo {name} is not a readable image (its header is damaged)"


def _embeddable(image: Image.Image, data: bytes) -> bytes:
    """Return ``data``, or ``image`` re-encoded when it is CMYK or larger than the cover needs."""
    too_big = image.width > MAX_EMBED_PX[0] or image.height > MAX_EMBED_PX[1]
    if image.mode not in ("CMYK", "YCbCr", "LAB", "I;16") and not too_big:
        return data
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # an animated GIF: its first frame
    keeps_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    converted = image.convert("RGBA" if keeps_alpha else "RGB")
    if too_big:
        converted.thumbnail(MAX_EMBED_PX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if image.format == "JPEG" and not keeps_alpha:
        converted.save(out, "JPEG", quality=90)
    else:
        converted.save(out, "PNG", optimize=True)
    return out.getvalue()
