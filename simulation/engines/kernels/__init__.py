"""Compiled passes over agents for the micro engine's steps (numba), one module per step.

Each kernel module holds plain Python functions over numpy arrays and scalars and lists the
names to compile in ``KERNELS`` (and in ``INLINE`` those to compile into their callers);
:func:`compile_kernels` compiles them with ``numba.njit(cache=True)`` (the machine code is cached
on disk: a later process loads each kernel in a few milliseconds, after numba's first use in the
process, about 0.45 CPU-s, ``benchmarks/bench_micro.py``) and puts the
compiled functions in place of the Python ones, bottom-up, so a kernel calling another (e.g. the
random streams of :mod:`simulation.engines.kernels.streams`) calls the compiled one. numba is
imported only then: the cohort engine and the command line never pay for it.

The micro engine (:func:`simulation.engines.micro.start`) calls :func:`compile_kernels` before the
first month; the step modules (:mod:`simulation.engines.steps`) call the kernels through their
module (``month_end.self_pay(...)``), so they always reach the compiled version once it exists.
Uncompiled, the same functions run as plain Python (same results, slowly): the tests compare both.
"""

from __future__ import annotations

from simulation.engines.kernels import billing, entry, evaluation, month_end, normal, streams

MODULES = (streams, normal, entry, billing, month_end, evaluation)
"""Kernel modules in the order they are compiled (a module's kernels may call those before it)."""

_PYTHON: dict[tuple[str, str], object] = {}


def compile_kernels() -> None:
    """Compile every kernel with numba (``cache=True``) once per process; later calls do nothing."""
    if _PYTHON:
        return
    # deferred: numba takes about 0.3 s to import; only the micro engine needs it
    import numba

    for module in MODULES:
        for name in module.KERNELS:
            fn = getattr(module, name)
            _PYTHON[module.__name__, name] = fn
            inline = "always" if name in getattr(module, "INLINE", ()) else "never"
            setattr(module, name, numba.njit(cache=True, inline=inline)(fn))


def python(module, name: str):
    """The plain Python function behind kernel ``name`` of ``module`` (compiled or not)."""
    return _PYTHON.get((module.__name__, name), getattr(module, name))
