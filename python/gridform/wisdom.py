"""FFTW planning wisdom under the library's planner lock (gridform_wisdom(3))."""

from ._lib import C, proto, check, path_arg, _i, _s

proto("gridform_wisdom_export", _i, _s)
proto("gridform_wisdom_import", _i, _s)
proto("gridform_wisdom_forget", _i)


def wisdom_export(path):
    """Save what FFTW learned planning with 'measure'/'patient', through the
    library's planner lock (FFTW's own functions would race with it)."""
    check(C.gridform_wisdom_export, path_arg(path))


def wisdom_import(path):
    """Load wisdom saved by wisdom_export, before creating handles: later
    'measure'/'patient' planning of the same transforms is then instant and
    picks the same algorithms, run after run."""
    check(C.gridform_wisdom_import, path_arg(path))


def wisdom_forget():
    """Forget all accumulated wisdom (existing plans keep working)."""
    check(C.gridform_wisdom_forget)
