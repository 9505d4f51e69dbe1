"""The measures recording papers report beside gridness (gridform_scorer_measures(3)).

They are methods of Scorer (this module holds them so that the scorer's
own module stays about gridness): spatial information and sparsity,
spatial coherence, firing fields, the border score and the grid's
ellipticity.  Each follows its original paper (doc/theory.md section 6.9);
set_measure_variant('info' | 'coherence' | 'border', 'bnt') selects the
definition of the Moser lab's BNT and opexebo instead.  A bin is unvisited
where a map is NaN (or outside an arena of another shape).  Undefined
values come back as NaN, as in Scorer.score; GRIDFORM_EUNDEFINED is not
raised.
"""

import ctypes

import numpy as np

from ._lib import (C, proto, enum, inarray, maps_array, count, ptr, OK, EUNDEFINED, _i, _d, _sz, _vp, _dp,
                   _szp)

proto("gridform_scorer_set_measure_variant", _i, _vp, _i, _i)
proto("gridform_scorer_spatial_info", _i, _vp, _dp, _sz, _dp, _dp, _dp, _dp)
proto("gridform_scorer_coherence", _i, _vp, _dp, _sz, _dp, _dp)
proto("gridform_scorer_set_fields", _i, _vp, _d, _sz, _i)
proto("gridform_scorer_fields", _i, _vp, _dp, _sz, _szp, _dp, _szp, _dp, _dp, _dp)
proto("gridform_scorer_set_border_fields", _i, _vp, _d, _d)
proto("gridform_scorer_border", _i, _vp, _dp, _sz, _dp, _dp, _dp)
proto("gridform_scorer_ellipse", _i, _vp, _dp, _sz, _dp, _dp, _dp)

MEASURE = {"info": 1, "coherence": 2, "border": 3}
MEASURE_VARIANT = {"paper": 1, "bnt": 2}


class MeasuresMixin:
    """Scorer methods for the recording measures (see the module)."""

    def _maps(self, maps):
        """(maps as (nmaps, ny, nx), nmaps) from (nmaps, ny, nx) or (ny, nx)."""
        return maps_array(maps, self._mapshape)

    def _one(self, a, what):
        """One (ny, nx) array, C-ordered float64 (ValueError for another shape)."""
        return inarray(a, what, shape=self._mapshape)

    def set_measure_variant(self, measure, variant):
        """The definition a measure follows: measure 'info', 'coherence' or
        'border'; variant 'paper' (the default) or 'bnt' (BNT's and
        opexebo's, see gridform_scorer_measures(3))."""
        self._call(C.gridform_scorer_set_measure_variant, enum(MEASURE, measure, "measure"),
                   enum(MEASURE_VARIANT, variant, "variant"))

    def spatial_info(self, maps, occupancy=None):
        """(bits_per_spike, bits_per_second, sparsity) of rate maps (rates
        >= 0; shape (nmaps, ny, nx) or (ny, nx)), each of shape (nmaps,).
        occupancy: (ny, nx) time or samples per bin (>= 0) shared by all
        maps, or None for every visited bin equally (Skaggs et al. 1993;
        sparsity: Skaggs et al. 1996).  bits_per_second is per unit of the
        map's rate.  NaN for a map whose mean rate is 0."""
        g, n = self._maps(maps)
        occ = None if occupancy is None else self._one(occupancy, "occupancy")
        outs = [np.empty(n) for _ in range(3)]
        self._call(C.gridform_scorer_spatial_info, ptr(g), n, ptr(occ), *[ptr(o) for o in outs],
                   ok=(OK, EUNDEFINED))
        return tuple(outs)

    def coherence(self, maps):
        """(z, r) of each map, shape (nmaps,): r the correlation between each
        visited bin and the mean of its visited 8-neighbours, z = atanh(r)
        (Muller and Kubie 1989).  NaN where undefined."""
        g, n = self._maps(maps)
        z, r = np.empty(n), np.empty(n)
        self._call(C.gridform_scorer_coherence, ptr(g), n, ptr(z), ptr(r), ok=(OK, EUNDEFINED))
        return z, r

    def set_fields(self, threshold=0.2, min_bins=9, connectivity=4):
        """Field detection: bins at least threshold x the peak, connected
        (4 or 8), at least min_bins of them."""
        self._call(C.gridform_scorer_set_fields, float(threshold), count(min_bins, "min_bins"), int(connectivity))

    def fields(self, m):
        """The fields of one (ny, nx) map, largest first: a dict of arrays
        'area_m2', 'nbins', 'peak', 'cx', 'cy' (centroid in metres), one
        entry per field (empty when the map has no positive value)."""
        g = self._one(m, "map")
        nf = _sz()
        rc = self._call(C.gridform_scorer_fields, ptr(g), 0, ctypes.byref(nf), None, None, None, None, None,
                        ok=(OK, EUNDEFINED))
        k = nf.value if rc == OK else 0
        area, peak, cx, cy = np.empty(k), np.empty(k), np.empty(k), np.empty(k)
        nb = np.empty(k, dtype=np.uintp)
        if k > 0:
            self._call(C.gridform_scorer_fields, ptr(g), k, ctypes.byref(nf), ptr(area),
                       nb.ctypes.data_as(_szp), ptr(peak), ptr(cx), ptr(cy))
        return {"area_m2": area, "nbins": nb.astype(np.int64), "peak": peak, "cx": cx, "cy": cy}

    def set_border_fields(self, threshold=0.3, min_area_m2=0.02):
        """The border score's fields: bins at least threshold x the peak,
        fields of at least min_area_m2 (Solstad et al. 2008: 0.3, 200 cm^2)."""
        self._call(C.gridform_scorer_set_border_fields, float(threshold), float(min_area_m2))

    def border(self, maps):
        """(score, coverage, distance) of each map, shape (nmaps,): the
        border score b = (cM - dm)/(cM + dm) of Solstad et al. 2008, cM and
        dm.  NaN for a map without a field.  Needs a walled rectangle."""
        g, n = self._maps(maps)
        outs = [np.empty(n) for _ in range(3)]
        self._call(C.gridform_scorer_border, ptr(g), n, *[ptr(o) for o in outs], ok=(OK, EUNDEFINED))
        return tuple(outs)

    def ellipse(self, maps):
        """(axis_ratio, major_angle, wall_offset) of each map, shape
        (nmaps,): the ellipse through the six inner autocorrelogram peaks
        (Stensola et al. 2015), major/minor >= 1, the major axis' angle in
        radians [0, pi), and the smallest angle between a grid axis and a
        wall in radians (0-15 degrees for a hexagonal grid).  NaN where
        undefined."""
        g, n = self._maps(maps)
        outs = [np.empty(n) for _ in range(3)]
        self._call(C.gridform_scorer_ellipse, ptr(g), n, *[ptr(o) for o in outs], ok=(OK, EUNDEFINED))
        return tuple(outs)
