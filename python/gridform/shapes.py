"""The named enclosures of the geometry experiments, as in gridform-geometry(1)
and gridform-sweep --shape (the C programs' tools/shapes.c; the same
vertices, so an arena made here has the same inside bins as theirs):

* ``square``: a square of side L;
* ``circle``: a disc of diameter L (a 96-gon on a radius a hair under L/2);
* ``trapezoid``: Krupic et al. (Nature 518, 2015): parallel sides 90/190 and
  20/190 of L at the ends of a long axis L, the wide end at x = -L/2, in a
  box L x 90/190 L;
* ``hole``: the square with a centred square hole of side L/4;
* ``wall``: the square with a partition L/25 thick from the middle of the
  bottom side to 3/5 of the way up;
* ``rectangle``: the whole box, a plain walled arena.

    import gridform as gf
    arena = gf.shapes.arena("trapezoid", 1.9, bin=0.03)   # 64 x 30 bins
    arena.mask()                                          # the inside bins
"""

import math

import numpy as np

from .arena import Arena

NAMES = ("square", "circle", "trapezoid", "hole", "wall", "rectangle")


def _square(h, clockwise=False):
    ring = [(-h, -h), (h, -h), (h, h), (-h, h)]
    return np.array(ring[::-1] if clockwise else ring, dtype=np.float64)


def polygon(name, size):
    """The shape ``name`` of size ``size`` (metres: the side, the diameter or
    the trapezoid's long axis) as ``(outer, holes, lx, ly)``: the outer ring
    and a list of hole rings, each an (m, 2) array of vertices in metres,
    and the box lx x ly they lie in, centred on the origin.  The rectangle
    has no rings (outer None)."""
    L = float(size)
    if not (L > 0 and math.isfinite(L)):
        raise ValueError("size must be a finite length > 0, got %r" % (size,))
    h = 0.5 * L
    if name == "rectangle":
        return None, [], L, L
    if name == "square":
        return _square(h), [], L, L
    if name == "circle":
        r = h * (1.0 - 1e-9)
        t = 2.0 * math.pi * np.arange(96) / 96
        return np.column_stack([r * np.cos(t), r * np.sin(t)]), [], L, L
    if name == "trapezoid":
        hw, hn = L * 90.0 / 190.0, L * 20.0 / 190.0
        outer = np.array([(-h, -0.5 * hw), (h, -0.5 * hn), (h, 0.5 * hn), (-h, 0.5 * hw)], dtype=np.float64)
        return outer, [], L, hw
    if name == "hole":
        return _square(h), [_square(0.125 * L, clockwise=True)], L, L
    if name == "wall":
        t, top = L / 50.0, -h + 0.6 * L
        outer = np.array([(-h, -h), (-t, -h), (-t, top), (t, top), (t, -h), (h, -h), (h, h), (-h, h)],
                         dtype=np.float64)
        return outer, [], L, L
    raise ValueError("unknown shape %r: one of %s" % (name, ", ".join(NAMES)))


def arena(name, size=1.9, bin=0.03):
    """The walled arena of shape ``name`` and size ``size`` (metres) on bins
    of side near ``bin`` metres (at least 8 per side), as gridform-geometry
    makes it."""
    outer, holes, lx, ly = polygon(name, size)
    if not (bin > 0 and math.isfinite(bin)):
        raise ValueError("bin must be a finite length > 0, got %r" % (bin,))
    nx = max(8, math.ceil(lx / bin - 1e-9))
    ny = max(8, math.ceil(ly / bin - 1e-9))
    if outer is None:
        return Arena(lx, ly, nx, ny, "walled")
    return Arena.from_polygon(lx, ly, nx, ny, outer, holes)
