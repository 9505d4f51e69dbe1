"""Grid scores of maps and rate maps from trajectories (gridform_scorer(3), gridform_ratemap(3))."""

import ctypes

import numpy as np

from ._lib import (C, Handle, proto, check, enum, inarray, maps_array, ptr, count as _count, OK, EUNDEFINED,
                   BOUNDARY, GRIDNESS,
                   _i, _d, _sz, _vp, _s, _hp, _dp, _szp, _ip)
from .measures import MeasuresMixin

proto("gridform_scorer_create", _i, _hp, _vp)
proto("gridform_scorer_destroy", None, _vp)
proto("gridform_scorer_last_error", _s, _vp)
proto("gridform_scorer_set_variant", _i, _vp, _i)
proto("gridform_scorer_set_annuli_m", _i, _vp, _d, _d, _d, _sz)
proto("gridform_scorer_set_boundary", _i, _vp, _i)
proto("gridform_scorer_set_min_overlap", _i, _vp, _sz)
proto("gridform_scorer_autocorr", _i, _vp, _dp, _dp)
proto("gridform_scorer_score", _i, _vp, _dp, _sz, _dp, _dp, _dp, _dp)
proto("gridform_map_dominant_k", _i, _vp, _dp, _dp)
proto("gridform_ratemap_accumulate", _i, _vp, _dp, _sz, _dp, _sz, _d, _dp, _dp)
proto("gridform_scorer_set_annuli_auto", _i, _vp, _i)
proto("gridform_scorer_get_annuli_auto", _i, _vp, _ip)
proto("gridform_scorer_get_fallback_count", _i, _vp, _szp)
proto("gridform_scorer_score_annuli", _i, _vp, _dp, _sz, _dp, _dp, _dp, _ip)
proto("gridform_scorer_spectrum_bins", _i, _vp, _szp, _dp)
proto("gridform_scorer_population_spectrum", _i, _vp, _dp, _sz, _i, _dp, _dp, _dp, _szp)

SPECTRUM_UNIT_VARIANCE = 1
# where a map's annuli came from (GRIDFORM_ANNULI_*; 0: score undefined)
ANNULI_SOURCE = {0: "", 1: "auto", 2: "fixed", 3: "fallback"}


class Scorer(MeasuresMixin, Handle):
    """Grid scores of the maps of an arena: (ny, nx) bins over its lx x ly
    metres.  The scorer copies the arena's geometry at creation (the arena
    may be closed afterwards) and takes its defaults from the boundary: a
    walled arena gets a walled autocorrelogram and the fixed annuli of
    Banino et al. 2018 (recorded maps), a periodic arena a periodic one
    (learned maps).  Plans and annulus tables are made once; scoring
    allocates nothing.  The recording measures (spatial_info, coherence,
    fields, border, ellipse) come from gridform.measures."""

    _destroy = staticmethod(C.gridform_scorer_destroy)
    _last_error = staticmethod(C.gridform_scorer_last_error)

    def __init__(self, arena):
        super().__init__()
        self._create(C.gridform_scorer_create, arena.handle)
        self._mapshape = arena.shape

    def set_variant(self, variant):
        """'mean' ((c60+c120)/2 - (c30+c90+c150)/3, default) or 'minmax'."""
        self._call(C.gridform_scorer_set_variant, enum(GRIDNESS, variant, "variant"))

    def set_annuli_m(self, inner_m, outer_min_m, outer_max_m, count):
        """Fixed annuli in metres: a lag of length r is in annulus j when
        inner_m < r <= outer_j, outer_j from outer_min_m to outer_max_m in
        count equal steps."""
        self._call(C.gridform_scorer_set_annuli_m, float(inner_m), float(outer_min_m), float(outer_max_m),
                   _count(count, "count"))

    def set_annuli_auto(self, on=True):
        """Automatic annuli, chosen per map from its own autocorrelogram
        (True; the default on a periodic arena), or the fixed ones (False;
        the default on a walled arena).  A map whose autocorrelogram has no
        ring of peaks falls back to the fixed annuli (doc/theory.md §6.5)."""
        self._call(C.gridform_scorer_set_annuli_auto, 1 if on else 0)

    @property
    def annuli_auto(self):
        """True when automatic annuli are on."""
        on = _i()
        self._call(C.gridform_scorer_get_annuli_auto, ctypes.byref(on))
        return bool(on.value)

    @property
    def fallback_count(self):
        """How many maps of the last score or score_annuli call fell back to
        the fixed annuli."""
        n = _sz()
        self._call(C.gridform_scorer_get_fallback_count, ctypes.byref(n))
        return n.value

    def score_annuli(self, maps):
        """Score maps as score() does and report the annuli each score60
        came from: (score60, inner_m, outer_m, source), the radii in metres
        and source an array of 'auto', 'fixed', 'fallback' or '' (score
        undefined: NaN radii), each of shape (nmaps,)."""
        g, n = maps_array(maps, self._mapshape)
        s60, inner, outer = np.empty(n), np.empty(n), np.empty(n)
        src = np.empty(n, dtype=np.intc)
        self._call(C.gridform_scorer_score_annuli, ptr(g), n, ptr(s60), ptr(inner), ptr(outer),
                   src.ctypes.data_as(_ip), ok=(OK, EUNDEFINED))
        return s60, inner, outer, np.array([ANNULI_SOURCE.get(int(v), int(v)) for v in src])

    def set_boundary(self, boundary):
        """'walled' (recorded maps) or 'periodic' autocorrelogram; overrides
        the arena's boundary."""
        self._call(C.gridform_scorer_set_boundary, enum(BOUNDARY, boundary, "boundary"))

    def set_min_overlap(self, n):
        """The fewest overlapping valid bins for an autocorrelogram value."""
        self._call(C.gridform_scorer_set_min_overlap, _count(n, "min_overlap"))

    def autocorr(self, m):
        """The spatial autocorrelogram of one (ny, nx) map: a
        (2ny-1, 2nx-1) array of Pearson correlations, lag 0 at the centre;
        NaN where undefined (all NaN for a constant map)."""
        g = inarray(m, "map", shape=self._mapshape)
        ny, nx = self._mapshape
        out = np.empty((2 * ny - 1, 2 * nx - 1))
        self._call(C.gridform_scorer_autocorr, ptr(g), ptr(out), ok=(OK, EUNDEFINED))
        return out

    def score(self, maps):
        """(score60, score90, spacing in m, orientation in rad) of each map
        of a (nmaps, ny, nx) or (ny, nx) array, as four (nmaps,) arrays
        (any other shape, such as (ny, nx, nmaps) or a flat array, raises
        ValueError naming the expected shape).
        Undefined entries (a map without variance or peaks) are NaN, as the
        C function leaves them; its GRIDFORM_EUNDEFINED is not raised."""
        g, n = maps_array(maps, self._mapshape)
        outs = [np.empty(n) for _ in range(4)]
        self._call(C.gridform_scorer_score, ptr(g), n, *[ptr(o) for o in outs], ok=(OK, EUNDEFINED))
        return tuple(outs)

    def dominant_k(self, m):
        """The wavenumber (rad/m) of the map's strongest non-uniform Fourier
        mode; NaN when undefined (a constant map)."""
        g = inarray(m, "map", shape=self._mapshape)
        k = _d()
        rc = self._call(C.gridform_map_dominant_k, ptr(g), ctypes.byref(k), ok=(OK, EUNDEFINED))
        return k.value if rc == OK else float("nan")

    def spectrum_bins(self):
        """(nbins, dk): the number of radial bins of population_spectrum and
        their width dk = 2 pi / min(lx, ly) in rad/m (bin b centred at b dk)."""
        n, dk = _sz(), _d()
        self._call(C.gridform_scorer_spectrum_bins, ctypes.byref(n), ctypes.byref(dk))
        return n.value, dk.value

    def population_spectrum(self, maps, unit_variance=False):
        """The radially averaged mean power spectrum of a population of maps
        (nmaps, ny, nx) (NaN = unvisited bins): returns (kmag, power, kpeak,
        nused) with kmag and power (nbins,) arrays (rad/m; map value squared
        times m^2), kpeak the population's ring in rad/m and nused the
        number of maps with variance that entered the mean.  unit_variance
        scales every map to unit variance first.  Without any map with
        variance, power and kpeak are NaN and nused 0 (the C function's
        GRIDFORM_EUNDEFINED is not raised), doc/theory.md §6.6.  On a
        walled scorer kpeak is resolved below the bin width dk, from a
        four-fold zero-padded spectrum, so that it agrees with the maps'
        own dominant_k in small boxes.  maps: (nmaps, ny, nx) or (ny, nx);
        any other shape raises ValueError."""
        g, n = maps_array(maps, self._mapshape)
        nbins, _ = self.spectrum_bins()
        kmag, power = np.empty(nbins), np.empty(nbins)
        kpeak, nused = _d(), _sz()
        self._call(C.gridform_scorer_population_spectrum, ptr(g), n, SPECTRUM_UNIT_VARIANCE if unit_variance else 0,
                   ptr(kmag), ptr(power), ctypes.byref(kpeak), ctypes.byref(nused), ok=(OK, EUNDEFINED))
        return kmag, power, kpeak.value, nused.value


def ratemap_accumulate(arena, xy, activity, min_occupancy=1.0):
    """Mean rate maps on the arena's grid from a trajectory.

    xy: positions, shape (npos, 2), metres, in the arena's box (centred on
    the origin; NaN rows are skipped); activity: shape (npos, ncells).
    Returns (maps, occupancy): maps of shape (ncells, ny, nx) (NaN in bins
    visited fewer than max(1, min_occupancy) times) and the visit counts,
    shape (ny, nx)."""
    xy = inarray(xy, "xy", ndim=2)
    act = inarray(activity, "activity", ndim=2)
    if xy.shape[1] != 2 or act.shape[0] != xy.shape[0]:
        raise ValueError("xy must be (npos, 2) and activity (npos, ncells), got %s and %s" % (xy.shape, act.shape))
    npos, ncells = act.shape
    ny, nx = arena.shape
    maps = np.empty((ncells, ny, nx))
    occ = np.empty((ny, nx))
    check(C.gridform_ratemap_accumulate, arena.handle, ptr(xy), npos, ptr(act), ncells, float(min_occupancy),
          ptr(maps), ptr(occ))
    return maps, occ
