"""Writers: turn a resolved Policy into files (DOCX, PDF, redlines)."""
