"""Rendering on a Dask worker, whose sampling profiler holds the frames of running tasks.

A Dask worker samples every running thread's stack every 10 ms, and for a
moment holds a reference to each frame. Whatever a frame's locals hold then
outlives its function. docxtpl parses a rendered body with a parser of its
own; if that tree's plain lxml proxies outlived ``render()``, python-docx was
handed a plain body whose ``xpath()`` knows no namespace prefixes, and about
one cluster document in 130 failed with "Undefined namespace prefix".
"""

from __future__ import annotations

import collections
import io
import zipfile
from pathlib import Path

import dask
from distributed import Client, LocalCluster, as_completed
from docxtpl import DocxTemplate

from generator.cluster.plugin import PLUGIN_NAME, LibreOfficePlugin
from generator.cluster.tasks import DocumentTask, build_document
from generator.library import load_library
from generator.model import Policy
from generator.render.docx import render_docx
from generator.render.reproducible import document_date
from generator.resolve import resolve
from generator.school import load_school


def _policies(workspace: Path) -> list[Policy]:
    """Return every fixture school's policies that print a logo (the cover's picture)."""
    library = load_library(workspace / "clauses")
    found = []
    for path in sorted((workspace / "schools").glob("*.yaml")):
        school = load_school(path)
        found += [policy for pid in school.school.policies
                  if (policy := resolve(library, school, pid)).brand.logo is not None]
    assert found, "the fixture project has a school with a logo"
    return found


def test_a_body_tree_held_past_render_does_not_reach_python_docx(workspace: Path, monkeypatch):
    held = []
    parse_body = DocxTemplate.fix_tables

    def holding(self, xml):  # noqa: ANN001 -- keep the tree alive, as a profiler holding render's frame does
        tree = parse_body(self, xml)
        held.append(tree)
        return tree

    monkeypatch.setattr(DocxTemplate, "fix_tables", holding)
    policy = _policies(workspace)[0]
    data = render_docx(policy)
    assert held, "docxtpl no longer parses the body in fix_tables: this test no longer holds it"
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert f'descr="{policy.brand.logo_alt}"' in document  # the logo's alt text, set through inline_shapes


def test_a_worker_profiling_every_millisecond_renders_every_document(workspace: Path, tmp_path: Path):
    policies = _policies(workspace)
    template = (workspace / "templates" / "house-style.docx").read_bytes()
    errors: collections.Counter[str] = collections.Counter()
    built = 0
    with dask.config.set({"distributed.worker.profile.interval": "1ms"}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                         local_directory=str(tmp_path / "dask")) as cluster, Client(cluster) as client:
        client.register_plugin(LibreOfficePlugin(), name=PLUGIN_NAME)
        shared = client.scatter(template, broadcast=True, hash=True)
        futures = []
        for i in range(120):
            policy = policies[i % len(policies)]
            task = DocumentTask(f"doc-{i}", policy, Path(policy.brand.logo).read_bytes(),
                                document_date(policy, None), pdf=False)
            futures.append(client.submit(build_document, task, shared, pure=False))
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # the worker's exception, as Dask brings it back
                errors[f"{type(exc).__name__}: {exc}"] += 1
                continue
            if result.error:
                errors[result.error] += 1
            else:
                assert result.docx.startswith(b"PK")
                built += 1
    assert built == 120 and not errors, dict(errors)
