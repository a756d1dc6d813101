"""Imported once by a batch's fork server (:mod:`simulation.reporting.batch_workers`) before it forks
the workers: what every batch worker needs, ready in memory.

- :mod:`simulation.reporting.batch`, whose functions the workers run, and with it pandas and the
  package's report modules;
- papermill, imported as the reports import it (:func:`simulation.reporting.papermill_run._papermill`,
  without the format checkers nbformat never uses) with the warm engine registered;
- nbconvert's HTML exporter, its templates compiled (:func:`~simulation.reporting.papermill_run._exporter`);
- WeasyPrint's modules (its libraries are opened at import). Its fonts are not loaded here: Pango's
  font map is made in each worker (:func:`simulation.reporting.pdf.warm`), never shared across a fork.

Then everything the server holds is moved out of the garbage collector's reach (:func:`gc.freeze`):
the workers inherit it frozen, so their collections never scan it.

A failure here leaves a worker to do the same work itself, with the error it raises there.
"""

from __future__ import annotations

import gc

import simulation.reporting.batch  # noqa: F401 - the workers' functions, pandas and the report modules
from simulation.reporting import papermill_run

try:
    papermill_run._papermill()
    papermill_run._exporter()
    # WeasyPrint is imported here for its modules only (see the docstring)
    import weasyprint  # noqa: F401
except Exception:  # noqa: BLE001, S110 - each worker imports and builds them again and raises there
    pass

gc.freeze()
