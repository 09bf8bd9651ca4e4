from pathlib import Path

from generator.build import Job, build_job
from generator.errors import ConverterError


class FailingConverter:
    """A converter whose LibreOffice fails: nothing may be replaced."""

    def convert(self, docx: bytes):
        raise ConverterError("LibreOffice could not convert it")


def test_failed_pdf_leaves_previous_documents_and_no_temporaries(library, schools, tmp_path: Path):
    job = Job(schools["bradley-primary"], "social-media")
    folder = tmp_path / "bradley-primary"
    folder.mkdir()
    (folder / "bradley-primary-social-media.docx").write_bytes(b"previous docx")
    (folder / "bradley-primary-social-media.pdf").write_bytes(b"previous pdf")
    outcome = build_job(library, job, tmp_path, converter=FailingConverter())
    assert not outcome.ok and "could not convert" in outcome.error
    assert (folder / "bradley-primary-social-media.docx").read_bytes() == b"previous docx"
    assert (folder / "bradley-primary-social-media.pdf").read_bytes() == b"previous pdf"
    assert sorted(p.name for p in folder.iterdir()) == ["bradley-primary-social-media.docx",
                                                        "bradley-primary-social-media.pdf"]


def test_docx_build_writes_into_the_school_folder(library, schools, tmp_path: Path):
    outcome = build_job(library, Job(schools["holtsmere-end"], "social-media"), tmp_path)
    assert outcome.ok
    assert outcome.files == [(tmp_path / "holtsmere-end" / "holtsmere-end-social-media.docx").resolve()]
    assert outcome.files[0].read_bytes()[:2] == b"PK"
