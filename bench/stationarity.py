#!/usr/bin/python3
"""Time to stationarity (issue 19): the learner's default against what a
user would otherwise run, side by side, in one run.

    make bench-stationarity [BENCH_ARGS='...']
    python3 bench/stationarity.py --stationarity bench/stationarity [options]

For each configuration (RELU maps of the demo's DoG code on a periodic box
of 4.4 n/64 m: 64^2 x 32 and 128^2 x 64 maps, independent and Sanger) and
each stationarity tolerance (KKT residual 1e-4: patterns; 1e-6: the fixed
point), from the same seeded maps, it times gridform_learner_run to that
residual with:

  default  the learner's defaults (GRIDFORM_INTEGRATOR_ETD, error control);
  euler    GRIDFORM_INTEGRATOR_EULER at the largest fixed step that gives
           the converged answer, found by trying the Euler limit times 1/2,
           1/4, ... and keeping the first whose answer (at the 1e-4 tol)
           matches the default's: median dominant k within 1%, fraction of
           hexagonal maps (score60 > 0.37) within binomial noise (what a
           careful user does today; the search is not timed).  Sanger
           maps: from half the limit for orthogonal maps down, at most 4
           runs, the first whose ensemble matches the default's (mean
           dominant k within two standard errors, hexagonal fraction
           within noise); see sanger_euler_step;
  exp02    GRIDFORM_INTEGRATOR_EXPONENTIAL at its default step, 0.2.0's
           default (fast, and not the flow's answer: its answer is shown),
           run for the model time the default needed, since its fixed
           points are not the flow's and its residual need not reach the
           tolerance ("not converged" then says so);
  numpy    bench/reference/pattern.py, Euler at the same step as euler,
           stopping on the same KKT residual, tested before every step as
           gridform_learner_run does;
  torch32  bench/reference/pattern_torch.py in float32, the same way
           (skipped without PyTorch: apt-get install python3-torch);
  active   GRIDFORM_INTEGRATOR_ACTIVE_SET at its defaults (opt-in; independent
           maps only), to the same residual.

It prints wall seconds and each column's ratio to the default, with each
run's answer.  The references have a time budget (--ref-budget seconds);
a run that exceeds it is reported as a lower bound (">").  Everything is
single-threaded (OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1)).  Do not
time on a loaded machine.  --quick: tiny sizes, a smoke test.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

try:
    import torch  # noqa: E402
    torch.set_num_threads(1)
except ImportError:
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))
import pattern  # noqa: E402
if torch is not None:
    import pattern_torch  # noqa: E402


def say(*a):
    print(*a, file=sys.stderr, flush=True)


def run_c(exe, **opts):
    args = [exe]
    for k, v in opts.items():
        if v is not None:
            args += ["--" + k.replace("_", "-"), str(v)]
    out = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        return None, out.stderr.strip()
    line = [x for x in out.stdout.splitlines() if x.startswith("result ")][-1]
    kv = dict(tok.split("=", 1) for tok in line.split()[1:])
    return kv, ""


def same_answer(a, ref, ng):
    """median dominant k within 1%, hexagonal fraction within binomial noise"""
    if a is None or a["status"] != "converged":
        return False
    k, k0 = float(a["median_k"]), float(ref["median_k"])
    p, p0 = float(a["hex_fraction"]), float(ref["hex_fraction"])
    noise = 2.0 * np.sqrt(max(p0 * (1.0 - p0), 1.0 / ng) / ng)
    return abs(k / k0 - 1.0) < 0.01 and abs(p - p0) <= noise


def map_ks(a):
    return [float(x) for x in a["k_maps"].split(",")]


def maps_agreeing(a, b):
    """maps whose dominant k agrees within 1%, map for map (Sanger maps are ordered)"""
    if a is None or b is None:
        return 0
    return sum(abs(x / y - 1.0) < 0.01 for x, y in zip(map_ks(a), map_ks(b)))


def same_ensemble(a, ref, ng):
    """Sanger maps: both converged, hexagonal fraction within binomial
    noise, and the mean of the maps' dominant k within two standard errors
    of a difference of means (the per-map spread of both runs)"""
    if a is None or a["status"] != "converged":
        return False
    ka, kr = np.array(map_ks(a)), np.array(map_ks(ref))
    se = np.sqrt((ka.var(ddof=1) + kr.var(ddof=1)) / ng) if ng > 1 else 0.0
    p, p0 = float(a["hex_fraction"]), float(ref["hex_fraction"])
    noise = 2.0 * np.sqrt(max(p0 * (1.0 - p0), 1.0 / ng) / ng)
    return abs(ka.mean() - kr.mean()) <= max(2.0 * se, 1e-3 * kr.mean()) and abs(p - p0) <= noise


def sanger_euler_step(exe, d0, tol, ng, base, levels=4):
    """The largest Euler step whose Sanger maps form the default's
    ensemble (same_ensemble), at most `levels` runs from half the limit for
    orthogonal maps (euler_limit_orth_rel, 2 / max Sigma~) down.  Not from
    half the learner's limit, which assumes all ng maps aligned
    (2 / ((ng - 1) max Sigma~)), while seeded maps are nearly orthogonal.
    Not map for map: which of the two lattice shells around k* each
    ordered map settles on changes with any perturbation (Euler runs at
    dt max Sigma~ = 0.0625 and 0.03 disagree on 3 of 8 maps, as Euler and
    the default do; every run stationary; BENCHMARKS.md), so only the
    ensemble is an answer."""
    frac = 0.5
    limit = float(d0["euler_limit_orth_rel"])
    for _ in range(levels):
        e, _ = run_c(exe, scheme="euler", dt_rel=frac * limit, tol=tol, **base)
        ok = same_ensemble(e, d0, ng)
        say("  euler at dt max Sigma~ = %.4g: %s, %s (mean k %s; %d of %d maps with the default's k)" %
            (frac * limit, e["status"] if e else "failed", "same ensemble" if ok else "different",
             "%.4f" % np.mean(map_ks(e)) if e else "-", maps_agreeing(e, d0), ng))
        if ok:
            return frac * limit
        frac /= 2
    say("  no Euler step with the default's ensemble in %d runs" % levels)
    return None


def run_reference(cls, spectrum, maps0, L, dt, coupling, tol, max_steps, budget, **kw):
    """Euler steps of a reference until its KKT residual < tol; returns
    (seconds, steps, converged, lower_bound).  The budget is checked every
    50 steps."""
    r = cls(spectrum, maps0, L, L, dt, coupling, **kw)
    t0 = time.perf_counter()
    done = False
    while r.steps < max_steps:
        if r.run(min(50, max_steps - r.steps), tol):
            done = True
            break
        if time.perf_counter() - t0 > budget:
            return time.perf_counter() - t0, r.steps, False, True
    if not done:
        done = r.kkt_residual() < tol
    return time.perf_counter() - t0, r.steps, done, False


def fmt_time(t, lower=False):
    if t is None:
        return "-"
    return (">" if lower else "") + ("%.3g" % t)


def main():
    p = argparse.ArgumentParser(description="time to stationarity (issue 19)")
    p.add_argument("--stationarity", required=True, help="the bench/stationarity program")
    p.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test, not a measurement")
    p.add_argument("--configs", default=None,
                   help="n:ng:coupling,... (64:32:independent,64:32:sanger,128:64:independent,128:64:sanger)")
    p.add_argument("--tols", default="1e-4,1e-6", help="stationarity tolerances (1e-4,1e-6)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-steps", type=int, default=200000)
    p.add_argument("--ref-budget", type=float, default=600.0, help="seconds per reference run (600)")
    p.add_argument("--no-reference", action="store_true", help="skip the NumPy and PyTorch columns")
    a = p.parse_args()
    configs = a.configs or ("32:4:independent,32:4:sanger" if a.quick else
                            "64:32:independent,64:32:sanger,128:64:independent,128:64:sanger")
    tols = [float(x) for x in (("1e-3,1e-4" if a.quick and a.tols == "1e-4,1e-6" else a.tols).split(","))]
    budget = 20.0 if a.quick else a.ref_budget
    exe = a.stationarity
    rows = []
    for conf in configs.split(","):
        n, ng, coupling = conf.split(":")
        n, ng = int(n), int(ng)
        with tempfile.TemporaryDirectory() as tmp:
            say("== %d^2 x %d %s" % (n, ng, coupling))
            base = dict(n=n, ng=ng, coupling=coupling, seed=a.seed, max_steps=a.max_steps)
            d0, err = run_c(exe, scheme="default", tol=tols[0], dir=tmp, **base)
            if d0 is None:
                sys.exit("stationarity: default run failed: " + err)
            spectrum = np.load(os.path.join(tmp, "spectrum.npy"))
            maps0 = np.load(os.path.join(tmp, "maps0.npy"))
            L = 4.4 * n / 64.0
            smax = float(d0["smax"])
            # the largest converged Euler step, searched at the first tolerance
            limit = float(d0["euler_limit_rel"])
            chosen = None
            frac = 0.5 if coupling != "sanger" else 0.0
            if coupling == "sanger":
                chosen = sanger_euler_step(exe, d0, tols[0], ng, base)
            while frac >= 1.0 / 64:
                e, _ = run_c(exe, scheme="euler", dt_rel=frac * limit, tol=tols[0], **base)
                ok = same_answer(e, d0, ng)
                say("  euler at %.4g x the Euler limit (dt max Sigma~ = %.4g): %s" %
                    (frac, frac * limit, "same answer" if ok else
                     ("different answer (k %s, hex %s)" % (e["median_k"], e["hex_fraction"]) if e else "failed")))
                if ok:
                    chosen = frac * limit
                    break
                frac /= 2
            for tol in tols:
                row = {"conf": "%d^2 x %d %s" % (n, ng, coupling), "tol": tol}
                d = d0 if tol == tols[0] else run_c(exe, scheme="default", tol=tol, **base)[0]
                row["default"] = d
                row["euler"] = run_c(exe, scheme="euler", dt_rel=chosen, tol=tol, **base)[0] if chosen else None
                row["exp02"] = run_c(exe, scheme="exp02", tol=tol, model_time=d["time_rel"], **base)[0]
                # the opt-in active-set integrator (independent maps only)
                row["active"] = run_c(exe, scheme="active", tol=tol, **base)[0] if coupling == "independent" \
                    else None
                row["euler_dt_rel"] = chosen
                if not a.no_reference and chosen:
                    dt = chosen / smax
                    say("  numpy, tol %g" % tol)
                    row["numpy"] = run_reference(pattern.Reference, spectrum, maps0, L, dt, coupling, tol,
                                                 a.max_steps, budget)
                    if torch is not None:
                        say("  torch float32, tol %g" % tol)
                        row["torch32"] = run_reference(pattern_torch.TorchReference, spectrum, maps0, L, dt,
                                                       coupling, tol, a.max_steps, budget, dtype=torch.float32)
                rows.append(row)
                print_row(row, header=(len(rows) == 1))
    print()
    print("ratios are times over the default's; euler, numpy and torch32 at the largest converged Euler step")
    print("(dt max Sigma~ in the euler column); exp02 is 0.2.0's default step; answers: median dominant k /")
    print("hexagonal fraction; goals (issue 19): euler >= 10x, numpy >= 50x, torch32 >= 20x; active: the opt-in")
    print("GRIDFORM_INTEGRATOR_ACTIVE_SET at its defaults (independent maps only); its speed-ups are the default's")
    print("and euler's times over its own")


def print_row(row, header):
    if header:
        print("| configuration | tol | default s (steps; k/hex) | euler s (dt; ratio) | exp02 s (ratio; k/hex) "
              "| NumPy s (ratio) | PyTorch f32 s (ratio) | active s (steps; k/hex; speed-up on default, on euler) |")
        print("|---|---|---|---|---|---|---|---|")
    d = row["default"]
    td = float(d["seconds"]) if d else None

    def ratio(t):
        return "%.1fx" % (t / td) if (t is not None and td) else "-"

    cells = ["%s (%s; %.3f/%.2f%s)" % (fmt_time(td), d["steps"], float(d["median_k"]), float(d["hex_fraction"]),
                                        "" if d["status"] == "converged" else ", not converged")]
    e = row.get("euler")
    if e:
        te = float(e["seconds"])
        cells.append("%s (%.3g; %s)%s" % (fmt_time(te), row["euler_dt_rel"], ratio(te),
                                          "" if e["status"] == "converged" else " not converged"))
    else:
        cells.append("no converged step found")
    x = row.get("exp02")
    if x:
        tx = float(x["seconds"])
        cells.append("%s (%s; %.3f/%.2f%s)" % (fmt_time(tx), ratio(tx), float(x["median_k"]),
                                               float(x["hex_fraction"]),
                                               "" if x["status"] == "converged" else ", not converged"))
    else:
        cells.append("failed")
    for key in ("numpy", "torch32"):
        r = row.get(key)
        if r is None:
            cells.append("-")
        else:
            t, steps, done, lower = r
            cells.append("%s (%s%s)" % (fmt_time(t, lower), ">" if lower else "", ratio(t)) +
                         ("" if done or lower else " not converged"))
    a = row.get("active")
    if a:
        ta = float(a["seconds"])
        te = float(e["seconds"]) if e else None
        cells.append("%s (%s; %.3f/%.2f%s; %.1fx, %s)" % (
            fmt_time(ta), a["steps"], float(a["median_k"]), float(a["hex_fraction"]),
            "" if a["status"] == "converged" else ", not converged", td / ta,
            "%.1fx" % (te / ta) if te else "-"))
    else:
        cells.append("-")
    print("| %s | %g | %s |" % (row["conf"], row["tol"], " | ".join(cells)), flush=True)


if __name__ == "__main__":
    main()
