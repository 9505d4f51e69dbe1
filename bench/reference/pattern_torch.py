#!/usr/bin/python3
"""The pattern-forming learning dynamics in PyTorch, on the CPU.

PyTorch is what a researcher would pick instead of libgridform: the same FFT
convolution (torch.fft), the ordered (Sanger) coupling from torch.tril of the
matrix of dot products, the ReLU projection and the renormalisation, in
float32 by default.  This module writes the step of bench/reference/pattern.py
(the NumPy reference, which states the update rule and how it matches the C
learner's EULER + RELU step) with torch tensors, in float64 or float32, so
`make bench` can time the library against it (doc/theory.md §2.2 and §4;
bench/run.py part 7).  It needs PyTorch; bench/run.py skips its columns when
`import torch` fails.

Usage as a program:
    pattern_torch.py SPECTRUM.npy MAPS.npy OUT.npy --lx LX --dt DT --steps N
                     [--coupling independent|sanger] [--dtype float32|float64]
"""

import argparse
import sys
import time

import numpy as np
import torch

INDEPENDENT = "independent"
SANGER = "sanger"


class TorchReference:
    """ng maps on an ny x nx periodic grid under EULER + RELU dynamics, in torch."""

    def __init__(self, spectrum, maps, lx, ly, dt, coupling=INDEPENDENT, dtype=torch.float32):
        maps = np.asarray(maps, dtype=np.float64)
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
        self.dtype = dtype
        self.spectrum = torch.tensor(spectrum, dtype=dtype)
        self.dA = (lx / self.nx) * (ly / self.ny)
        self.dt = float(dt)
        self.coupling = coupling
        self.lambda0 = float(np.max(spectrum))
        self.G = torch.tensor(maps, dtype=dtype)
        self.steps = 0

    def step(self):
        """One explicit Euler step, the ReLU projection and renormalisation:
        pattern.Reference.step, term by term."""
        ng, dt = self.ng, self.dt
        with torch.no_grad():
            Gf = self.G.reshape(ng, -1)
            H = torch.fft.irfft2(torch.fft.rfft2(self.G) * self.spectrum, s=(self.ny, self.nx))
            Hf = H.reshape(ng, -1)
            dG = Hf - self.lambda0 * Gf
            if self.coupling == SANGER:
                M = (Gf @ Hf.T) * self.dA
                dG = dG - torch.tril(M, -1) @ Gf
            P = Gf + dt * dG
            Gf = torch.clamp(P, min=0.0)
            norms = torch.sqrt(torch.sum(Gf * Gf, dim=1) * self.dA)
            if not bool(torch.all(norms > 0)):
                # a map with no positive value keeps its pattern in -g
                for j in torch.nonzero(norms == 0).flatten().tolist():
                    Gf[j] = torch.clamp(-P[j], min=0.0)
                    norms[j] = torch.sqrt(torch.dot(Gf[j], Gf[j]) * self.dA)
            if not bool(torch.all(norms > 0)) or not bool(torch.all(torch.isfinite(norms))):
                raise FloatingPointError("step %d: a map vanished or diverged" % (self.steps + 1))
            self.G = (Gf / norms[:, None]).reshape(ng, self.ny, self.nx)
        self.steps += 1

    def kkt_residual(self):
        """pattern.Reference.kkt_residual, in torch (in self.dtype)."""
        ng = self.ng
        with torch.no_grad():
            x = self.G.reshape(ng, -1) * float(np.sqrt(self.dA))
            s = torch.fft.irfft2(torch.fft.rfft2(x.reshape(ng, self.ny, self.nx)) * self.spectrum,
                                 s=(self.ny, self.nx)).reshape(ng, -1)
            f = s
            if self.coupling == SANGER:
                M = x @ s.T
                f = s - torch.tril(M, -1) @ x
            lam = torch.sum(x * f, dim=1)
            kappa = float(torch.max(torch.abs(self.spectrum)))
            r = torch.maximum(f - lam[:, None] * x, -kappa * x)
            return float(torch.max(torch.sqrt(torch.sum(r * r, dim=1)))) / kappa

    def run(self, max_steps, tol):
        """Euler steps until kkt_residual() < tol, tested before each step
        (True), or max_steps (False)."""
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

    def maps(self):
        """The maps as a float64 NumPy array (ng, ny, nx)."""
        return self.G.to(torch.float64).numpy()


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
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)
    if a.steps < 0 or a.dt <= 0 or a.lx <= 0 or a.threads < 1:
        p.error("steps must be >= 0, dt and lx > 0, threads >= 1")
    torch.set_num_threads(a.threads)
    r = TorchReference(np.load(a.spectrum), np.load(a.maps), a.lx, a.ly or a.lx, a.dt, a.coupling,
                       getattr(torch, a.dtype))
    times = []
    r.iterate(a.steps, times)
    np.save(a.out, r.maps())
    if times:
        print("%d steps, median %.3f ms/step" % (len(times), 1e3 * float(np.median(times))),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
