#!/usr/bin/python3
"""One exponential step with the active set's operator in L, measured
against the flow: the experiment behind the "route" of doc/theory.md §2.9
(issue 19).  Not part of the library; NumPy only.

    ./bench/etd_local_error --dir D          # writes D/*.npy
    /usr/bin/python3 bench/reference/active_set_step.py D

For RELU maps the projected flow keeps the bins at 0 (the active set A) at
0 while the force there points down, and moves the free bins F by
P_F (Sigma - lambda) x.  The default integrator puts Sigma - lambda0 in
the exponential and the reaction on A (Sigma x restricted to A, as stiff as
Sigma) in N.  Here the step freezes A for the step and takes the whole
restricted operator into the exponential:

    L = P_F (Sigma - lambda(x)) P_F  on F,      -lambda(x)  on A,
    N(x) = max(f, 0) on A (bins the force pushes out), 0 on F,
    x' = P(e^{hL} x + h phi_1(h L) N(x))         (exponential Euler)

with e^{hL} x on F by m steps of Lanczos from x_F (Saad, SIAM J. Numer.
Anal. 29, 1992: exp of the small tridiagonal matrix), the scalar exactly
on A, and P the projection (clip, normalise).  Its fixed points are the
KKT points, as for the default step: N = 0 and e^{hL} x = x up to the norm
exactly when x_F is an eigenvector of P_F Sigma P_F and the force on A
points down.  Its error comes only from bins that cross 0 within the
step (the active set the step froze), not from the reaction's stiffness.

Prints, for H max Sigma~ = 2, 8, 32 and Lanczos sizes m, the distance
from the flow (the largest over maps of the unit maps' Euclidean
distance, as bench/etd_local_error prints for ETD2RK) and its ratio to
the flow's own displacement.
"""

import os
import sys

import numpy as np


def unit(v):
    return v / np.linalg.norm(v)


def distance(a, b):
    return max(np.linalg.norm(unit(x) - unit(y)) for x, y in zip(a, b))


def lanczos_exp(apply, v, m, h):
    """e^{h A} v for the symmetric operator `apply`, from m Lanczos steps
    with full reorthogonalisation."""
    beta = np.linalg.norm(v)
    basis = [v / beta]
    alpha, off = [], []
    for i in range(m):
        w = apply(basis[-1])
        alpha.append(np.vdot(w, basis[-1]))
        for q in basis:
            w = w - np.vdot(w, q) * q
        b = np.linalg.norm(w)
        if i == m - 1 or b < 1e-14 * beta:
            break
        off.append(b)
        basis.append(w / b)
    k = len(alpha)
    t = np.diag(alpha) + np.diag(off[:k - 1], 1) + np.diag(off[:k - 1], -1)
    ev, q = np.linalg.eigh(t)
    c = q @ (np.exp(h * ev) * q[0, :]) * beta
    return sum(ci * qi for ci, qi in zip(c, basis))


def phi1(z):
    return np.expm1(z) / z if z != 0 else 1.0


def active_set_step(x, h, m, sigma):
    """One exponential-Euler step of length h (times max Sigma~) of one
    unit map x >= 0, the active set frozen."""
    x = unit(x)
    free = x > 0
    f = sigma(x)
    lam = np.vdot(x, f)

    def apply(v):
        return np.where(free, sigma(np.where(free, v, 0.0)) - lam * v, 0.0)

    prop = lanczos_exp(apply, np.where(free, x, 0.0), m, h)
    push = np.where(free, 0.0, np.maximum(f, 0.0))
    y = prop + h * phi1(-h * lam) * push
    y = np.maximum(y, 0.0)
    return y / np.linalg.norm(y)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "."
    spectrum = np.load(os.path.join(d, "spectrum.npy"))
    x0 = np.load(os.path.join(d, "x0.npy"))
    n = x0.shape[1]
    scaled = spectrum / spectrum.max()   # time in units of 1 / max Sigma~

    def sigma(v):
        return np.fft.irfft2(scaled * np.fft.rfft2(v), s=(n, n))

    print("%8s %4s %10s %10s %8s" % ("H smax", "m", "moved", "error", "/moved"))
    for h in (2, 8, 32):
        ref = np.load(os.path.join(d, "ref_%g.npy" % h))
        moved = distance(x0, ref)
        for m in (2, 3, 5, 10):
            y = [active_set_step(x, h, m, sigma) for x in x0]
            e = distance(y, ref)
            print("%8g %4d %10.3e %10.3e %8.3f" % (h, m, moved, e, e / moved))


if __name__ == "__main__":
    main()
