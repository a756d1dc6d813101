"""Compiled passes over agents for the micro engine's steps (numba), one module per step.

Each kernel module holds plain Python functions over numpy arrays and scalars and lists the
names to compile in ``KERNELS`` (and in ``INLINE`` those to compile into their callers);
:func:`compile_kernels` compiles them with ``numba.njit(cache=True)`` (the machine code is cached
on disk: a later process loads each kernel in a few milliseconds, after numba's first use in the
process, about 0.25 CPU-s without ``scipy.linalg``: :func:`_load_numba_targets`,
``benchmarks/bench_micro.py``) and puts the compiled functions in place of the Python ones,
bottom-up, so a kernel calling another (e.g. the random streams of
:mod:`simulation.engines.kernels.streams`) calls the compiled one. numba is imported only then:
the cohort engine and the command line never pay for it.

The micro engine (:func:`simulation.engines.micro.start`) calls :func:`compile_kernels` before the
first month; the step modules (:mod:`simulation.engines.steps`) call the kernels through their
module (``month_end.self_pay(...)``), so they always reach the compiled version once it exists.
Uncompiled, the same functions run as plain Python (same results, slowly): the tests compare both.
"""

from __future__ import annotations

import sys
import types

from simulation.engines.kernels import billing, entry, evaluation, month_end, normal, streams

MODULES = (streams, normal, entry, billing, month_end, evaluation)
"""Kernel modules in the order they are compiled (a module's kernels may call those before it)."""

_PYTHON: dict[tuple[str, str], object] = {}

ERROR_MODEL = "numpy"
"""numba's error model for every kernel: a division by zero gives inf or NaN as in numpy instead of
raising. No kernel divides by zero on valid input; the Python model's check before every division
keeps a loop off the vector units (the centre of :func:`simulation.engines.kernels.normal.ndtri_block`:
1 ns a draw against 4). numba's cache does not key on this option: a change of it must come with a
change of the kernels' code or an emptied ``__pycache__``."""


def compile_kernels() -> None:
    """Compile every kernel with numba (``cache=True``) once per process; later calls do nothing."""
    if _PYTHON:
        return
    # deferred: numba takes about 0.15 s to import; only the micro engine needs it
    import numba

    _load_numba_targets()
    for module in MODULES:
        for name in module.KERNELS:
            fn = getattr(module, name)
            _PYTHON[module.__name__, name] = fn
            inline = "always" if name in getattr(module, "INLINE", ()) else "never"
            setattr(module, name, numba.njit(cache=True, inline=inline, error_model=ERROR_MODEL)(fn))


def python(module, name: str):
    """The plain Python function behind kernel ``name`` of ``module`` (compiled or not)."""
    return _PYTHON.get((module.__name__, name), getattr(module, name))


def _load_numba_targets() -> None:
    """Load numba's CPU target (its typing and lowering of numpy) without importing ``scipy.linalg``.

    On its first use in a process numba imports ``numba.np.arraymath``, whose import checks for a
    BLAS by importing ``scipy.linalg.cython_blas``: that imports all of ``scipy.linalg`` (about
    0.3 CPU-s, most of numba's first use; ``benchmarks/bench_micro.py``). No kernel calls BLAS
    (no ``np.dot``, no linear algebra). So while ``numba.np.arraymath`` is imported here, an empty
    module stands in for ``scipy.linalg.cython_blas``, and it is removed right after: the check
    finds "a BLAS" (true: scipy is installed), and any later ``import scipy.linalg`` in the process
    (or a kernel that used BLAS, which numba would import it for when compiling it) imports the
    real module. ``tests/test_kernels.py`` checks both.
    """
    blas = "scipy.linalg.cython_blas"
    if "numba.np.arraymath" in sys.modules or blas in sys.modules:
        return
    sys.modules[blas] = types.ModuleType(blas)
    try:
        # deferred: numba is imported only for the micro engine; this module checks for a BLAS on import
        import numba.np.arraymath  # noqa: F401
    finally:
        del sys.modules[blas]
