#!/usr/bin/python3
"""Reference implementation of the pattern-forming learning dynamics in NumPy.

This is the dynamics of Sorscher, Mel, Ganguli and Ocko, "A unified theory
for the origin of grid cells through the lens of pattern formation" (NeurIPS
2019), written the way the published simulations are written: the kernel is
applied by FFT convolution (numpy.fft), time is advanced by an explicit Euler
step, nonnegativity is a ReLU projection after each step, the ordered
(Sanger) coupling is built from numpy.tril of the matrix of dot products, and
the maps are renormalised every step.  It exists so that libgridform's C
learner (lib/learner.c, GRIDFORM_INTEGRATOR_EULER with GRIDFORM_NL_RELU) can
be checked against an independent implementation and timed against the code
people would otherwise write.  It needs only NumPy.

The update rule matches the C learner's EULER + RELU step exactly in exact
arithmetic (see Reference.step), so after the same number of steps from the
same maps and the same spectrum the two differ only by round-off.

Conventions (doc/theory.md §2.2 and §4, gridform_learner(3)):
- maps G: (ng, ny, nx) doubles, map-major;
- Sigma acts as an integral with area element dA; its eigenvalue on the
  lattice mode of rfft bin (iy, jx) is spec[iy, jx] (gridform_kernel_spectrum),
  so Sigma g = irfft2(spec * rfft2(g));
- inner products are integrals: <f, g> = dA * sum(f * g).

Usage as a program (the benchmark driver imports it instead):
    pattern.py SPECTRUM.npy MAPS.npy OUT.npy --lx LX --ly LY --dt DT
               --steps N [--coupling independent|sanger]
"""

import argparse
import sys
import time

import numpy as np

INDEPENDENT = "independent"
SANGER = "sanger"


class Reference:
    """ng maps on an ny x nx periodic grid under EULER + RELU dynamics."""

    def __init__(self, spectrum, maps, lx, ly, dt, coupling=INDEPENDENT):
        maps = np.array(maps, dtype=np.float64, copy=True)
        if maps.ndim == 2:
            maps = maps[None]
        if maps.ndim != 3:
            raise ValueError("maps must have shape (ng, ny, nx)")
        self.ng, self.ny, self.nx = maps.shape
        spectrum = np.asarray(spectrum, dtype=np.float64)
        if spectrum.shape != (self.ny, self.nx // 2 + 1):
            raise ValueError("spectrum must have shape (ny, nx//2+1) = (%d, %d), got %s"
                             % (self.ny, self.nx // 2 + 1, spectrum.shape))
        if coupling not in (INDEPENDENT, SANGER):
            raise ValueError("coupling must be 'independent' or 'sanger'")
        self.spectrum = spectrum
        self.dA = (lx / self.nx) * (ly / self.ny)
        self.dt = float(dt)
        self.coupling = coupling
        self.lambda0 = float(np.max(spectrum))
        self.G = maps
        self.steps = 0

    def apply_sigma(self, G):
        """Sigma G by FFT convolution: irfft2(Sigma~ * rfft2(G))."""
        return np.fft.irfft2(np.fft.rfft2(G) * self.spectrum, s=(self.ny, self.nx))

    def step(self):
        """One explicit Euler step, then the ReLU projection and renormalisation.

        The C learner's EULER step (lib/learner_step.c), written out:
            H  = Sigma G                                  (FFT convolution)
            M  = dA G H^T                                 (dot products; Sanger only)
            G' = G + dt (H - lambda0 G - tril(M, -1) G)   (tril term: Sanger only)
            G' = max(G', 0),  then each map scaled to dA sum g^2 = 1
                 (a map with no positive value is replaced by -G' first),
        with lambda0 = max Sigma~ over the lattice.  The diagonal terms
        -(g_j^T Sigma g_j) g_j of Oja's and Sanger's rules are supplied by
        the renormalisation (to first order in dt); the constant shift
        lambda0 makes every linear Euler factor 1 + dt(Sigma~ - lambda0) lie
        in [-1, 1] for dt <= 2/(max Sigma~ - min Sigma~).
        """
        ng = self.ng
        dt = self.dt
        Gf = self.G.reshape(ng, -1)
        Hf = self.apply_sigma(self.G).reshape(ng, -1)
        dG = Hf - self.lambda0 * Gf
        if self.coupling == SANGER:
            # Sanger's rule (doc/theory.md §4): map j loses
            # sum_{i < j} (g_i^T Sigma g_j dA) g_i, the strict lower
            # triangle of the matrix of dot products.
            M = (Gf @ Hf.T) * self.dA
            dG -= np.tril(M, -1) @ Gf
        P = Gf + dt * dG
        Gf = np.maximum(P, 0.0)
        norms = np.sqrt(np.einsum("ij,ij->i", Gf, Gf) * self.dA)
        if not np.all(norms > 0):
            # The linear part cannot tell g from -g: a map whose update is
            # nowhere positive keeps its pattern in -g (as the C learner does).
            for j in np.flatnonzero(norms == 0):
                Gf[j] = np.maximum(-P[j], 0.0)
                norms[j] = np.sqrt(np.dot(Gf[j], Gf[j]) * self.dA)
        if not np.all(norms > 0) or not np.all(np.isfinite(norms)):
            raise FloatingPointError("step %d: a map vanished or diverged" % (self.steps + 1))
        Gf = Gf / norms[:, None]
        self.G = Gf.reshape(ng, self.ny, self.nx)
        self.steps += 1

    def kkt_residual(self):
        """The stationarity (KKT) residual of the maps, as
        gridform_learner_get_residual reports it (doc/theory.md §2.7): with
        x = g sqrt(dA) (unit Euclidean norm), f = Sigma x - C (C the Sanger
        term tril(M, -1) x), lambda = <x, f>, the residual of map j is
        |max(f - lambda x, -kappa x)| (the natural residual of g >= 0,
        kappa = max |Sigma~|), and the result is max_j of it over kappa.
        It depends on the maps only, not on the step."""
        ng = self.ng
        x = self.G.reshape(ng, -1) * np.sqrt(self.dA)
        s = self.apply_sigma(x.reshape(ng, self.ny, self.nx)).reshape(ng, -1)
        f = s
        if self.coupling == SANGER:
            M = x @ s.T
            f = s - np.tril(M, -1) @ x
        lam = np.einsum("ij,ij->i", x, f)
        kappa = float(np.max(np.abs(self.spectrum)))
        r = np.maximum(f - lam[:, None] * x, -kappa * x)
        return float(np.max(np.sqrt(np.einsum("ij,ij->i", r, r)))) / kappa

    def run(self, max_steps, tol):
        """Euler steps until kkt_residual() < tol, tested before each step
        as gridform_learner_run does (True), or max_steps (False)."""
        for _ in range(max_steps):
            if self.kkt_residual() < tol:
                return True
            self.step()
        return self.kkt_residual() < tol

    def iterate(self, nsteps, times=None):
        """Run nsteps steps; append each step's wall time (s) to times."""
        for _ in range(nsteps):
            t0 = time.perf_counter()
            self.step()
            if times is not None:
                times.append(time.perf_counter() - t0)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("spectrum")
    p.add_argument("maps")
    p.add_argument("out")
    p.add_argument("--lx", type=float, required=True)
    p.add_argument("--ly", type=float)
    p.add_argument("--dt", type=float, required=True)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--coupling", choices=(INDEPENDENT, SANGER), default=INDEPENDENT)
    a = p.parse_args(argv)
    if a.steps < 0 or a.dt <= 0 or a.lx <= 0:
        p.error("steps must be >= 0, dt and lx > 0")
    r = Reference(np.load(a.spectrum), np.load(a.maps), a.lx, a.ly or a.lx, a.dt, a.coupling)
    times = []
    r.iterate(a.steps, times)
    np.save(a.out, r.G)
    if times:
        print("%d steps, median %.3f ms/step" % (len(times), 1e3 * float(np.median(times))),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
