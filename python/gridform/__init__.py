"""gridform: libgridform from Python.

libgridform computes the pattern-formation theory of grid cells (Sorscher,
Mel, Ganguli and Ocko, NeurIPS 2019): place-cell codes, their correlation
kernel Sigma, grid maps learned under the pattern-forming dynamics, the
amplitude equations of hexagon selection, the attractor network on the same
kernel, and the grid scores of maps.  The mathematics is in the library's
doc/theory.md (installed under share/doc/libgridform/); every C function is
documented in its man page (man gridform_learner_create, ...).

    import gridform as gf
    with gf.Arena(4.4, 4.4, 64, 64) as arena:
        code = gf.PlaceCode(arena, "dog", sigma=0.12, surround=2.0)
        kernel = gf.Kernel(code)
        kstar, spacing = kernel.ring()      # 9.81 rad/m, 0.739 m
        learner = gf.Learner(kernel, 8)
        learner.seed(1)
        learner.run(200)
        maps = learner.maps                 # (8, 64, 64) NumPy array

Conventions:

* Arrays go in and out as NumPy float64 arrays in C order.  A map on an
  arena of nx x ny points has shape (ny, nx); a stack of maps
  (nmaps, ny, nx).  Inputs that already are C-ordered float64 are passed to
  the library without a copy; outputs are new arrays.
* Lengths are in metres, wavenumbers in rad/m, angles in radians, the
  spectrum Sigma~ in 1/m^2 and learning time in its inverse; the
  attractor's times are in seconds.
* Enumerations are given by name ('periodic', 'dog', 'relu', 'sanger', ...)
  or by the C value.
* A failing call raises GridformError with the C status code, its name and
  the library's message, which begins with the C function's name.
* Handles (Arena, PlaceCode, Kernel, Learner, Scorer, Amplitude, Attractor,
  Modules)
  are context managers; close() frees one at once, garbage collection
  otherwise.  A handle keeps the handles it was made from alive.  As in C,
  one handle must not be used from two threads at once.

The package loads the libgridform it was installed with, by its soname
(see gridform._lib); GRIDFORM_LIB=/path/to/libgridform.so.N overrides that,
for running against a build tree.
"""

from ._lib import (GridformError, strerror, last_error, version, lib,
                   OK, EINVAL, ENOMEM, ERANGE, EDIVERGED, EUNDEFINED, EIO, EFORMAT, EUNSUPPORTED, ECANCELED, EACCURACY,
                   CONTINUE)
from .arena import Arena
from .placecode import PlaceCode
from .kernel import Kernel
from .learner import Learner
from .score import Scorer, ratemap_accumulate
from .io import npy_read, npy_write, image_write_maps
from .wisdom import wisdom_export, wisdom_import, wisdom_forget
from .amplitude import Amplitude, lattice_wavevectors, lattice_synthesize, cubic_gain, pattern_objective
from .attractor import Attractor
from .modules import Modules, ModuleResult
from .null import NullResult, shuffle_null, surrogate_null, surrogate, null_threshold, get_null
from . import debug

__version__ = version()

__all__ = [
    "GridformError", "strerror", "last_error", "version", "lib",
    "Arena", "PlaceCode", "Kernel", "Learner", "Scorer", "Amplitude", "Attractor", "Modules", "ModuleResult",
    "ratemap_accumulate", "npy_read", "npy_write", "image_write_maps",
    "wisdom_export", "wisdom_import", "wisdom_forget",
    "lattice_wavevectors", "lattice_synthesize", "cubic_gain", "pattern_objective", "debug",
    "OK", "EINVAL", "ENOMEM", "ERANGE", "EDIVERGED", "EUNDEFINED", "EIO", "EFORMAT", "EUNSUPPORTED",
    "ECANCELED", "CONTINUE", "EACCURACY",
]
