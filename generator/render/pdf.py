"""PDF through LibreOffice: the names the rest of policygen uses, from the modules that hold them.

- :mod:`~generator.render.office`: finding LibreOffice (and tcmalloc);
- :mod:`~generator.render.profile`: each worker's folder and profile;
- :mod:`~generator.render.processes`: process groups and the guardian;
- :mod:`~generator.render.protocol`: the versioned messages to the UNO helper;
- :mod:`~generator.render.worker`: one LibreOffice and its helper;
- :mod:`~generator.render.pool`: the workers of a batch.

These are the only modules that know about LibreOffice.
"""

from generator.render.office import INSTALL_HINT, LibreOffice, find_fast_malloc, find_libreoffice
from generator.render.pool import WorkerPool
from generator.render.profile import SETTINGS
from generator.render.worker import Conversion, Worker

__all__ = ["INSTALL_HINT", "SETTINGS", "Conversion", "LibreOffice", "Worker", "WorkerPool", "find_fast_malloc",
           "find_libreoffice"]
