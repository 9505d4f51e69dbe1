#!/usr/bin/python3
"""A whole run with the active-set exponential step of active_set_step.py
and step-doubling error control: the prototype behind doc/theory.md §2.9's
route (issue 19), for independent RELU maps on a periodic box.  Not part
of the library; NumPy only.  It counts transforms (two per application of
Sigma) so that its cost compares with the library's schemes without a
clock:

    ./bench/stationarity --ng 32 --tol 1e-4 --dir D --maps-out D/c.npy
    /usr/bin/python3 bench/reference/active_set_run.py D --rtol 1e-2
    ./tools/gridform-score --box 4.4 --periodic \\
        --annuli 0.3697,0.8873,1.8486,10 D/active_set.npy

Each step: m Lanczos steps from the free part of each map (the first
product is the force the previous step already computed) give e^{tL} x
for every t, so the step of h and the first half step come from one basis
(Saad 1992); a second basis from the half step's state gives the second
half step.  The local error is the distance between the whole step and the
two half steps (step doubling, as chebfun's spin does), the two half steps
are kept, and the step is chosen by the PI controller of the default
integrator (Soderlind 2002; exponents over 2, as for a first-order
method).  It stops at the KKT residual --tol of doc/theory.md §2.7,
computed as gridform_learner_get_residual does.
"""

import argparse
import os

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir", help="spectrum.npy and maps0.npy (bench/stationarity --dir)")
    p.add_argument("--rtol", type=float, default=1e-2, help="local error per step (1e-2)")
    p.add_argument("--tol", type=float, default=1e-4, help="KKT residual to stop at (1e-4)")
    p.add_argument("--krylov", type=int, default=4, help="Lanczos steps per basis (4)")
    a = p.parse_args()
    spectrum = np.load(os.path.join(a.dir, "spectrum.npy"))
    maps = np.load(os.path.join(a.dir, "maps0.npy"))
    ng, n = maps.shape[0], maps.shape[1]
    scaled = spectrum / spectrum.max()          # time in units of 1 / max Sigma~
    kappa = max(abs(scaled.max()), abs(scaled.min()))
    count = [0]

    def sigma(v):
        count[0] += 1
        return np.fft.irfft2(scaled * np.fft.rfft2(v), s=(n, n))

    def force(x):
        f = sigma(x)
        return f, np.vdot(x, f)

    def residual(x, f, lam):
        r = np.maximum(f - lam * x, -kappa * x)
        return np.linalg.norm(np.where((x <= 0) & (f < 0), 0.0, r))

    def basis(x, f, lam):
        free = x > 0
        beta = np.linalg.norm(np.where(free, x, 0.0))
        q = [np.where(free, x, 0.0) / beta]
        alpha, off = [], []
        for i in range(a.krylov):
            # P_F (Sigma - lambda) P_F q; for q = x_F / beta it is the force
            w = np.where(free, f - lam * x, 0.0) / beta if i == 0 else \
                np.where(free, sigma(np.where(free, q[-1], 0.0)) - lam * q[-1], 0.0)
            alpha.append(np.vdot(w, q[-1]))
            for u in q:
                w = w - np.vdot(w, u) * u
            b = np.linalg.norm(w)
            if i == a.krylov - 1 or b < 1e-14:
                break
            off.append(b)
            q.append(w / b)
        k = len(alpha)
        t = np.diag(alpha) + np.diag(off[:k - 1], 1) + np.diag(off[:k - 1], -1)
        ev, vec = np.linalg.eigh(t)
        return free, q, ev, vec, beta

    def advance(x, f, lam, b, h):
        free, q, ev, vec, beta = b
        c = vec @ (np.exp(h * ev) * vec[0, :]) * beta
        y = sum(ci * qi for ci, qi in zip(c, q))
        z = -h * lam
        y = y + h * (np.expm1(z) / z if z != 0 else 1.0) * np.where(free, 0.0, np.maximum(f, 0.0))
        y = np.maximum(y, 0.0)
        return y / np.linalg.norm(y)

    x = [np.maximum(m, 0.0) / np.linalg.norm(np.maximum(m, 0.0)) for m in maps]
    fs = [force(m) for m in x]
    h, t, steps, rejected, err_prev = 1.0, 0.0, 0, 0, 1.0
    while True:
        res = max(residual(x[j], *fs[j]) for j in range(ng))
        if res < a.tol:
            break
        bases = [basis(x[j], *fs[j]) for j in range(ng)]
        while True:
            new, err = [], 0.0
            for j in range(ng):
                whole = advance(x[j], *fs[j], bases[j], h)
                half = advance(x[j], *fs[j], bases[j], h / 2)
                fh = force(half)
                two = advance(half, *fh, basis(half, *fh), h / 2)
                new.append(two)
                err = max(err, np.linalg.norm(whole - two))
            err /= a.rtol
            if err <= 1.0:
                break
            rejected += 1
            h *= max(0.25, 0.9 * err ** -0.5)
        x = new
        fs = [force(m) for m in x]
        t += h
        steps += 1
        fac = 0.9 * err ** (-0.8 / 2) * err_prev ** (0.31 / 2) if err > 0 else 4.0
        err_prev = max(err, 1e-4)
        h = min(h * min(4.0, max(0.25, fac)), 200.0)
    np.save(os.path.join(a.dir, "active_set.npy"), np.array(x))
    print("rtol %g krylov %d: %d steps (%d rejected) to residual %.3g at t max Sigma~ = %.1f; "
          "%d transforms per map" % (a.rtol, a.krylov, steps, rejected, res, t, 2 * count[0] // ng))


if __name__ == "__main__":
    main()
