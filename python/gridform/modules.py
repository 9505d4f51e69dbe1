"""Grid modules of a population of maps (gridform_modules(3), doc/theory.md §6.7)."""

import collections
import ctypes

import numpy as np

from ._lib import C, Handle, proto, inarray, ptr, count, _i, _d, _sz, _vp, _s, _hp, _dp, _szp, _ip

proto("gridform_modules_create", _i, _hp)
proto("gridform_modules_destroy", None, _vp)
proto("gridform_modules_last_error", _s, _vp)
proto("gridform_modules_set_max", _i, _vp, _sz)
proto("gridform_modules_set_min_score", _i, _vp, _d)
proto("gridform_modules_set_orientation_cue", _i, _vp, _i)
proto("gridform_modules_get_orientation_modulus", _i, _vp, _sz, _dp)
proto("gridform_modules_find", _i, _vp, _dp, _dp, _dp, _sz, _szp, _dp, _dp, _szp, _dp, _ip)

ModuleResult = collections.namedtuple("ModuleResult", "spacing orientation count ratio labels")
ModuleResult.__doc__ = """Modules found, sorted by increasing spacing:
spacing (geometric mean, metres), orientation (circular mean, radians,
modulo pi/3, or modulo pi/6 for a module in two groups 30 degrees apart:
Modules.orientation_modulus(j) says which), count (maps per module) and ratio (spacing[j+1] /
spacing[j], one fewer) are arrays of nmodules (ratio: nmodules - 1) entries;
labels gives each map's module, or -1 for a map that did not enter."""


class Modules(Handle):
    """Clusters grid maps into modules by spacing (and orientation).

    max_modules: the largest number of modules tried (1..16, default 6);
    min_score: maps enter when score60 > min_score (default 0.3);
    orientation_cue: use orientation as a second cue (default True); False
    for populations whose orientations vary unit by unit, such as trained
    networks (gridform-compare --no-orientation-cue)."""

    _destroy = staticmethod(C.gridform_modules_destroy)
    _last_error = staticmethod(C.gridform_modules_last_error)

    def __init__(self, max_modules=None, min_score=None, orientation_cue=None):
        super().__init__()
        self._create(C.gridform_modules_create)
        self._max = 6   # the C default (no getter: tracked here to size the outputs)
        if max_modules is not None:
            self.set_max(max_modules)
        if min_score is not None:
            self.set_min_score(min_score)
        if orientation_cue is not None:
            self.set_orientation_cue(orientation_cue)

    def set_max(self, max_modules):
        """The largest number of modules tried (1..16)."""
        m = count(max_modules, "max_modules")
        self._call(C.gridform_modules_set_max, m)
        self._max = m

    def set_min_score(self, min_score):
        """Maps enter when score60 > min_score."""
        self._call(C.gridform_modules_set_min_score, float(min_score))

    def set_orientation_cue(self, on):
        """Use orientation as a second cue (True) or spacing alone (False)."""
        self._call(C.gridform_modules_set_orientation_cue, 1 if on else 0)

    def find(self, spacing, orientation=None, score60=None):
        """Cluster n maps given their spacing (metres), orientation (radians,
        or None: spacing only) and score60 (or None: every map with a
        spacing enters), each of shape (n,) as Scorer.score returns them.
        Returns a ModuleResult."""
        sp = inarray(spacing, "spacing", ndim=1)
        n = sp.size
        ori = None if orientation is None else inarray(orientation, "orientation", shape=(n,))
        sc = None if score60 is None else inarray(score60, "score60", shape=(n,))
        m = self._max
        msp, mori, ratio = np.empty(m), np.empty(m), np.empty(m)
        cnt = (ctypes.c_size_t * m)()
        labels = np.empty(max(n, 1), dtype=np.intc)
        nmod = _sz()
        self._call(C.gridform_modules_find, ptr(sp), ptr(ori), ptr(sc), n, ctypes.byref(nmod), ptr(msp), ptr(mori),
                   cnt, ptr(ratio), labels.ctypes.data_as(_ip))
        k = nmod.value
        return ModuleResult(msp[:k].copy(), mori[:k].copy(), np.array(cnt[:k], dtype=np.int64),
                            ratio[:max(k - 1, 0)].copy(), labels[:n].astype(np.int64))

    def orientation_modulus(self, j):
        """The modulus in radians of module j's orientation from the last
        find(): pi/3 (60 degrees), or pi/6 (30 degrees) for a module in two
        groups 30 degrees apart; NaN when the module has no orientation.
        Print an orientation with its modulus."""
        v = _d()
        self._call(C.gridform_modules_get_orientation_modulus, count(j, "j"), ctypes.byref(v))
        return v.value
