#!/usr/bin/env python3
"""Reference gridness scores in NumPy/SciPy, independent of libgridform.

The same definitions as gridform_scorer(3), computed the way the widely used
SciPy scorers compute them (Banino et al. 2018, scores.py; Sargolini et al.
2006), so the C library can be checked against it and timed against it:

* SAC: Pearson correlation over overlapping visited (non-NaN) bins at every
  lag, from six direct correlations (scipy.signal.correlate2d, no FFT) of
  the visit mask, the mean-removed map and its square.  Lags with fewer
  than min_overlap overlapping bins, or with a numerically constant overlap
  (variance below 1e-10 of the map's), are NaN.
* Rotation: scipy.ndimage.rotate of the SAC (NaN set to 0) and of its
  validity mask, bilinear (order=1), reshape=False, about the centre bin;
  a rotated bin is valid when every neighbour with positive weight was.
  ndimage.rotate(a, -angle) turns the picture counter-clockwise by angle
  when row 0 is y = -ly/2, as the C code does.
* Annuli: a SAC bin at lag length r metres is in annulus j when
  inner L < r <= outer_j L, L = min(lx, ly), outer_j =
  numpy.linspace(outer_min, outer_max, count); c_a is the Pearson
  correlation of the SAC and its rotation over the annulus bins where both
  are valid.  score60 (mean or min/max variant) and score90 are maximised
  over the annuli separately.

Needs only Debian's python3-numpy and python3-scipy.

Usage: gridness.py maps.npy [--box L | --lx X --ly Y] [--variant mean|minmax]
           [--annuli I,A,B,N] [--min-overlap N] [--limit N] [--sac direct|fft]
           [--order 1|3] [--out scores.npy]
Writes an (n, 2) array of score60, score90 (NaN where undefined) and prints
the time per map (seconds, scoring only) to stdout.
"""
import argparse
import sys
import time

import numpy as np
import scipy.ndimage
import scipy.signal

ANGLES = (30, 45, 60, 90, 120, 135, 150)


def _corr(a, b):
    """C_ab(l) = sum_p a(p) b(p + l), lag l at index l + (n - 1): direct sums."""
    return scipy.signal.correlate2d(b, a, mode="full")


def _corr_fft(a, b):
    """The same by FFT (scipy.signal.correlate, method='fft'): --sac fft."""
    return scipy.signal.correlate(b, a, mode="full", method="fft")


def autocorrelogram(f, min_overlap=20, corr=_corr):
    """(2ny-1, 2nx-1) Pearson SAC of map f (NaN = unvisited); NaN where undefined."""
    valid = ~np.isnan(f)
    nv = valid.sum()
    if nv == 0:
        return np.full((2 * f.shape[0] - 1, 2 * f.shape[1] - 1), np.nan)
    mean = f[valid].mean()
    x = np.where(valid, f - mean, 0.0)
    m = valid.astype(float)
    x2 = x * x
    var = x2.sum() / nv
    if not var > 1e-28 * mean * mean or var == 0:
        return np.full((2 * f.shape[0] - 1, 2 * f.shape[1] - 1), np.nan)
    n = np.rint(corr(m, m))
    sx = corr(x, m)
    sy = corr(m, x)
    sxx = corr(x2, m)
    syy = corr(m, x2)
    sxy = corr(x, x)
    vx = n * sxx - sx * sx
    vy = n * syy - sy * sy
    tol = 1e-10 * n * n * var
    ok = (n >= min_overlap) & (vx > tol) & (vy > tol)
    r = np.full(n.shape, np.nan)
    r[ok] = (n[ok] * sxy[ok] - sx[ok] * sy[ok]) / np.sqrt(vx[ok] * vy[ok])
    return np.clip(r, -1.0, 1.0)


class Scorer:
    def __init__(self, nx, ny, lx, ly, variant="mean", annuli=(0.2, 0.4, 1.0, 10), min_overlap=20,
                 sac="direct", order=1):
        dx, dy = lx / nx, ly / ny
        if abs(dx - dy) > 1e-12 * dx:
            raise ValueError("ndimage.rotate works in bins: the reference needs square bins")
        inner, omin, omax, count = annuli
        L = min(lx, ly)
        u = np.arange(-(nx - 1), nx)
        v = np.arange(-(ny - 1), ny)
        U, V = np.meshgrid(u, v)
        r = np.hypot(U * dx, V * dy)
        outers = np.linspace(omin, omax, int(count))
        self.masks = [(r > inner * L) & (r <= o * L) for o in outers]
        self.variant = variant
        self.min_overlap = min_overlap
        self.corr = _corr_fft if sac == "fft" else _corr
        self.order = order

    @staticmethod
    def _pearson(a, b):
        if a.size < 3:
            return np.nan
        n = float(a.size)
        va = n * (a * a).sum() - a.sum() ** 2
        vb = n * (b * b).sum() - b.sum() ** 2
        tol = 1e-12 * n * n
        if not (va > tol and vb > tol):
            return np.nan
        return (n * (a * b).sum() - a.sum() * b.sum()) / np.sqrt(va * vb)

    def score(self, f):
        sac = autocorrelogram(f, self.min_overlap, self.corr)
        valid = ~np.isnan(sac)
        if not valid.any():
            return np.nan, np.nan
        s0 = np.where(valid, sac, 0.0)
        rots = {}
        for a in ANGLES:
            kw = dict(reshape=False, order=1, mode="constant", cval=0.0, prefilter=False)
            # --order 3: the values by cubic spline (ndimage's default, as in
            # Banino's scores.py); validity stays the bilinear rule.
            kv = dict(kw, order=self.order, prefilter=self.order > 1)
            rv = scipy.ndimage.rotate(s0, -a, **kv)
            rm = scipy.ndimage.rotate(valid.astype(float), -a, **kw)
            rots[a] = (rv, rm > 1 - 1e-9)
        best60 = best90 = np.nan
        for mask in self.masks:
            c = {}
            for a in ANGLES:
                rv, rvalid = rots[a]
                sel = mask & valid & rvalid
                c[a] = self._pearson(sac[sel], rv[sel])
            if self.variant == "minmax":
                g60 = min(c[60], c[120]) - max(c[30], c[90], c[150])
            else:
                g60 = (c[60] + c[120]) / 2 - (c[30] + c[90] + c[150]) / 3
            if any(np.isnan(c[a]) for a in (30, 60, 90, 120, 150)):
                g60 = np.nan
            g90 = c[90] - (c[45] + c[135]) / 2
            if not np.isnan(g60) and (np.isnan(best60) or g60 > best60):
                best60 = g60
            if not np.isnan(g90) and (np.isnan(best90) or g90 > best90):
                best90 = g90
        return best60, best90


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("maps")
    p.add_argument("--box", type=float, default=2.2)
    p.add_argument("--lx", type=float)
    p.add_argument("--ly", type=float)
    p.add_argument("--variant", choices=("mean", "minmax"), default="mean")
    p.add_argument("--annuli", default="0.2,0.4,1.0,10")
    p.add_argument("--min-overlap", type=int, default=20)
    p.add_argument("--limit", type=int, default=0, help="score only the first N maps")
    p.add_argument("--sac", choices=("direct", "fft"), default="direct",
                   help="SAC sums by direct correlation (default, the reference) or by FFT")
    p.add_argument("--order", type=int, choices=(1, 3), default=1,
                   help="rotation interpolation: 1 bilinear (the definition), 3 cubic spline")
    p.add_argument("--out")
    a = p.parse_args(argv)
    maps = np.load(a.maps).astype(float)
    if maps.ndim == 2:
        maps = maps[None]
    if a.limit > 0:
        maps = maps[: a.limit]
    lx = a.lx if a.lx else a.box
    ly = a.ly if a.ly else a.box
    inner, omin, omax, count = a.annuli.split(",")
    sc = Scorer(maps.shape[2], maps.shape[1], lx, ly, a.variant,
                (float(inner), float(omin), float(omax), int(count)), a.min_overlap, a.sac, a.order)
    out = np.empty((len(maps), 2))
    t0 = time.perf_counter()
    for i, f in enumerate(maps):
        out[i] = sc.score(f)
    dt = time.perf_counter() - t0
    if a.out:
        np.save(a.out, out)
    print("%.6g" % (dt / len(maps)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
