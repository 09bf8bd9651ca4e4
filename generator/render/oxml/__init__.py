"""WordprocessingML, in one package: no other module spells out ``w:`` markup.

- :mod:`~generator.render.oxml.markup` writes the policy body as XML text
  (runs, paragraphs, lists, tables, hyperlinks, bookmarks, fields, and the
  ``w:ins``/``w:del`` of tracked changes) and parses it once; writing a few
  hundred paragraphs as text costs a few milliseconds, through python-docx's
  object API about a tenth of a second.
- :mod:`~generator.render.oxml.elements` edits the elements of a python-docx
  document that its API does not reach (list restarts, shading, borders,
  document language and fonts, settings, alt text, simple fields), through
  python-docx's own ``oxml`` element classes where it has them.
"""
