"""Building on a Dask cluster: ``policygen build --cluster tcp://HOST:8786`` (docs/scaling.md).

- :mod:`.plugin`: the worker plugin that keeps one warm LibreOffice per Dask worker;
- :mod:`.tasks`: what a worker does with one document (render, lay out, export);
- :mod:`.client`: the build side: send the documents, stream the results back, write them.
"""
