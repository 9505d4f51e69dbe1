"""Null thresholds for gridness: trajectory shuffles and spectrum-keeping
surrogates (gridform_null(3), doc/theory.md §6.8)."""

import collections
import ctypes

import numpy as np

from ._lib import C, proto, check, inarray, ptr, OK, EUNDEFINED, _i, _d, _sz, _u64, _vp, _dp, _szp, PROGRESS_FN
from .learner import progress_callback

proto("gridform_scorer_set_null", _i, _vp, _sz, _d, _d)
proto("gridform_scorer_get_null", _i, _vp, _szp, _dp, _dp)
proto("gridform_scorer_shuffle_null", _i, _vp, _dp, _sz, _d, _dp, _sz, _u64, _dp, _dp, _dp, _dp, PROGRESS_FN,
      _vp)
proto("gridform_scorer_surrogate_null", _i, _vp, _dp, _sz, _u64, _dp, _dp, _dp, _dp, PROGRESS_FN, _vp)
proto("gridform_scorer_surrogate", _i, _vp, _dp, _u64, _dp)
proto("gridform_null_threshold", _i, _dp, _sz, _d, _dp)

NullResult = collections.namedtuple("NullResult", "score60 null60 threshold pop_threshold")
NullResult.__doc__ = """A null's outcome: score60 (n,) the maps' own scores,
null60 (n, shuffles) the null scores, threshold (n,) each map's threshold
from its own null, pop_threshold the population's from the pooled null.
A map passes when score60 > its threshold (NaN where undefined)."""


def _set(scorer, shuffles, percentile, min_lag):
    scorer._call(C.gridform_scorer_set_null, int(shuffles), float(percentile), float(min_lag))


def get_null(scorer):
    """The scorer's null options: (shuffles, percentile, min_lag_s)."""
    n, p, lag = _sz(), _d(), _d()
    scorer._call(C.gridform_scorer_get_null, ctypes.byref(n), ctypes.byref(p), ctypes.byref(lag))
    return n.value, p.value, lag.value


def _run(scorer, fn, args, n, shuffles, progress):
    score = np.empty(n)
    null = np.empty((n, shuffles))
    thr = np.empty(n)
    pop = _d()
    cb, box = progress_callback(progress)
    try:
        scorer._call(fn, *args, ptr(score), ptr(null), ptr(thr), ctypes.byref(pop), cb, None, ok=(OK, EUNDEFINED))
    finally:
        if box["exc"] is not None:
            raise box["exc"]
    return NullResult(score, null, thr, pop.value)


def shuffle_null(scorer, xy, activity, dt, shuffles=100, percentile=95.0, min_lag=20.0, seed=0, progress=None):
    """The labs' shuffle null of a recording (Sargolini et al. 2006;
    Langston et al. 2010; Boccara et al. 2010).

    xy: positions (npos, 2) in metres, in the scorer's box centred on the
    origin (NaN rows skipped), sampled every dt seconds; activity: (npos,
    ncells) or (npos,) spike counts or rates per sample.  Each of shuffles
    shuffles shifts the activity circularly against the trajectory by a lag
    uniform in [min_lag, npos dt - min_lag] seconds and scores the rebuilt
    mean rate maps (as ratemap_accumulate builds them).  The threshold is
    the k-th smallest null score, k = ceil(percentile (n + 1) / 100).
    Returns a NullResult.  progress(done, total, median score60) may cancel
    with a true return.  Raises GridformError for too few shuffles for the
    percentile, a trajectory shorter than 2 min_lag, positions outside the
    box; ValueError for mismatched lengths."""
    xy = inarray(xy, "xy", ndim=2)
    act = inarray(activity, "activity")
    if act.ndim == 1:
        act = act.reshape(-1, 1)
    if xy.shape[1] != 2 or act.ndim != 2:
        raise ValueError("xy must be (npos, 2) and activity (npos, ncells) or (npos,), got %s and %s"
                         % (xy.shape, np.shape(activity)))
    if act.shape[0] != xy.shape[0]:
        raise ValueError("mismatched lengths: %d positions, %d activity samples" % (xy.shape[0], act.shape[0]))
    _set(scorer, shuffles, percentile, min_lag)
    npos, ncells = act.shape
    return _run(scorer, C.gridform_scorer_shuffle_null, (ptr(xy), npos, float(dt), ptr(act), ncells, int(seed)),
                ncells, int(shuffles), progress)


def surrogate_null(scorer, maps, shuffles=100, percentile=95.0, seed=0, progress=None):
    """The surrogate null of rate maps (nmaps, ny, nx) or (ny, nx), NaN =
    unvisited: per map, shuffles surrogates that keep its radial power
    spectrum and put each shell's power at random directions with random
    phases (doc/theory.md §6.8), scored.  Returns a NullResult;
    progress(done, total, score60) may cancel with a true return."""
    g = inarray(maps, "maps")
    ny, nx = scorer._mapshape
    n = g.size // (nx * ny)
    if n == 0 or n * nx * ny != g.size:
        raise ValueError("maps must hold whole %d x %d maps, got shape %s" % (ny, nx, g.shape))
    _set(scorer, shuffles, percentile, get_null(scorer)[2])
    return _run(scorer, C.gridform_scorer_surrogate_null, (ptr(g), n, int(seed)), n, int(shuffles), progress)


def surrogate(scorer, m, seed=0):
    """One surrogate of a (ny, nx) map: the same mean, the same power in
    every radial shell of its spectrum, NaN at the same bins."""
    g = inarray(m, "map", shape=scorer._mapshape)
    out = np.empty(scorer._mapshape)
    scorer._call(C.gridform_scorer_surrogate, ptr(g), int(seed), ptr(out))
    return out


def null_threshold(scores, percentile=95.0):
    """The threshold rule on any scores (NaN skipped): the k-th smallest,
    k = ceil(percentile (n + 1) / 100).  NaN when too few are defined."""
    v = inarray(np.ravel(scores), "scores")
    t = _d()
    rc = check(C.gridform_null_threshold, ptr(v), v.size, float(percentile), ctypes.byref(t), ok=(OK, EUNDEFINED))
    return t.value if rc == OK else float("nan")
