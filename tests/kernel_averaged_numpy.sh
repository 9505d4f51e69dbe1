#!/bin/sh
# GRIDFORM_KERNEL_AVERAGED against the published pipeline's own recipe
# written in NumPy: the covariance C = P P^T / np formed densely, the
# roll-average Cmean = sum_{i,j} roll(roll(C[i,j], -i, 0), -j, 1) exactly as
# the authors' compute_covariance does it, and its rfft2 scaled by
# dA / N (doc/theory.md §1.3, eq. 1.16).  Walled softmax codes (the
# published case, nx != ny and odd sizes) and a walled DoG; the largest
# difference must be <= 1e-10 of the largest value.  Also the SPECTRUM
# kernel made from that NumPy spectrum applies like the AVERAGED one.
# SKIP (77) without a Python that has NumPy, without a shared library, or
# in a sanitizer build.
builddir=${top_builddir:-.}
py=${PYTHON_NUMPY:-}
if [ -z "$py" ]; then
    for c in /usr/bin/python3 python3; do
        if "$c" -c 'import numpy' >/dev/null 2>&1; then py=$c; break; fi
    done
fi
[ -n "$py" ] || { echo "SKIP: no Python with NumPy (set PYTHON_NUMPY)"; exit 77; }
la=$builddir/lib/libgridform.la
soname=$(sed -n "s/^dlname='\(.*\)'$/\1/p" "$la" 2>/dev/null)
[ -n "$soname" ] || { echo "SKIP: no shared library in this build ($la)"; exit 77; }
lib=$builddir/lib/.libs/$soname
if nm -D "$lib" 2>/dev/null | grep -q ' U __asan_\| U __tsan_'; then
    echo "SKIP: sanitizer build"; exit 77
fi
exec "$py" - "$lib" <<'PYEOF'
import ctypes, sys
import numpy as np

L = ctypes.CDLL(sys.argv[1])
vp, d, sz = ctypes.c_void_p, ctypes.c_double, ctypes.c_size_t
WALLED, SOFTMAX, DOG, RANDOM, AVERAGED = 2, 3, 2, 2, 4
ptr = lambda x: x.ctypes.data_as(vp)

def ok(rc, what):
    if rc != 0:
        sys.exit("FAIL: %s returned %d" % (what, rc))

worst = 0.0
cases = [(1.1, 0.9, 12, 10, 40, SOFTMAX, 0.12, 2.0), (2.2, 2.2, 19, 17, 100, SOFTMAX, 0.12, 2.0),
         (1.0, 1.3, 9, 11, 25, DOG, 0.1, 2.0)]
for lx, ly, nx, ny, ncells, tuning, sigma, s in cases:
    a, pc, k, ks = vp(), vp(), vp(), vp()
    ok(L.gridform_arena_create(ctypes.byref(a), d(lx), d(ly), sz(nx), sz(ny), WALLED), "arena")
    ok(L.gridform_placecode_create(ctypes.byref(pc), a, tuning, d(sigma), d(s), sz(ncells), RANDOM,
                                   ctypes.c_uint64(11)), "placecode")
    ok(L.gridform_kernel_create(ctypes.byref(k), pc, AVERAGED), "kernel_create")
    n = nx * ny
    xy = np.zeros(2 * n)
    ok(L.gridform_arena_positions(a, ptr(xy)), "positions")
    P = np.zeros(n * ncells)
    ok(L.gridform_placecode_response(pc, ptr(xy), sz(n), ptr(P)), "response")
    P = P.reshape(ny, nx, ncells)
    # The authors' compute_covariance: C[i, j] is the covariance of point
    # (i, j) with every point; roll each back by (i, j) and sum.
    C = np.einsum('abi,cdi->abcd', P, P) / ncells
    Cmean = np.zeros((ny, nx))
    for i in range(ny):
        for j in range(nx):
            Cmean += np.roll(np.roll(C[i, j], -i, axis=0), -j, axis=1)
    dA = (lx / nx) * (ly / ny)
    ref = np.fft.rfft2(Cmean) * dA / n
    got = np.zeros(ny * (nx // 2 + 1))
    ok(L.gridform_kernel_spectrum(k, ptr(got)), "spectrum")
    got = got.reshape(ref.shape)
    scale = np.abs(ref.real).max()
    err = np.abs(got - ref.real).max() / scale
    imag = np.abs(ref.imag).max() / scale
    worst = max(worst, err)
    if not (err <= 1e-10 and imag <= 1e-10):
        sys.exit("FAIL: %dx%d: relative error %.3g, imaginary part %.3g" % (nx, ny, err, imag))
    # The NumPy spectrum as a SPECTRUM kernel applies like AVERAGED.
    spec = np.ascontiguousarray(ref.real).ravel()
    ok(L.gridform_kernel_create_spectrum(ctypes.byref(ks), a, ptr(spec)), "create_spectrum")
    g = np.sin(np.arange(n) * 0.37)
    o1, o2 = np.zeros(n), np.zeros(n)
    ok(L.gridform_kernel_apply(k, ptr(g), ptr(o1), sz(1)), "apply")
    ok(L.gridform_kernel_apply(ks, ptr(g), ptr(o2), sz(1)), "apply")
    aerr = np.abs(o1 - o2).max() / np.abs(o1).max()
    if not aerr <= 1e-10:
        sys.exit("FAIL: %dx%d: SPECTRUM vs AVERAGED apply differ by %.3g" % (nx, ny, aerr))
    for f, h in ((L.gridform_kernel_destroy, ks), (L.gridform_kernel_destroy, k),
                 (L.gridform_placecode_destroy, pc), (L.gridform_arena_destroy, a)):
        f(h)
print("PASS: AVERAGED matches the authors' NumPy roll-average, worst relative error %.2e" % worst)
PYEOF
