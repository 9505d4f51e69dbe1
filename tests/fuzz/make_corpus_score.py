#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_score (tests/fuzz/corpus_score/).

Input layout (see fuzz_score.c): byte 0 entry point (0 scorer, 1 rate
maps, 2 place code, 3 place code with user centres), bytes 1-2 grid size,
byte 3 small flags/counts, then little-endian doubles.  Seeds: a clean
hexagonal map, constant and all-NaN maps, NaN holes, denormals, huge
values, infinities and ordinary place-code parameters."""
import os
import struct
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus_score")
os.makedirs(out, exist_ok=True)


def put(name, op, nx, ny, small, values):
    data = bytes([op, nx - 2, ny - 2, small & 255]) + struct.pack("<%dd" % len(values), *values)
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


n = 12
x = (np.arange(n) + 0.5) / n * 2.2 - 1.1
X, Y = np.meshgrid(x, x)
k = 4 * np.pi / (np.sqrt(3) * 0.74)
hexmap = sum(np.cos(k * (np.cos(t) * X + np.sin(t) * Y)) for t in (0, 2 * np.pi / 3, 4 * np.pi / 3))
put("scorer_hex", 0, n, n, 0, list(hexmap.ravel()))
put("scorer_hex_annuli", 0, n, n, 4 | 8 | 16, [0.2, 0.4, 1.0] + list(hexmap.ravel()))
put("scorer_constant", 0, 8, 8, 0, [3.0] * 64)
put("scorer_nan", 0, 8, 8, 0, [float("nan")] * 64)
holes = hexmap.copy()
holes[::3, ::2] = float("nan")
put("scorer_holes", 0, n, n, 0, list(holes.ravel()))
put("scorer_denormal", 0, 6, 6, 0, [5e-324 * (i % 7) for i in range(36)])
put("scorer_huge", 0, 6, 6, 0, [1e308 * (-1) ** i for i in range(36)])
put("scorer_inf", 0, 6, 6, 1 | 2, [float("inf"), -1.0] + [float(i) for i in range(36)])
put("scorer_box", 0, 5, 7, 1 | 2 | 64, [1e-300, 3e300] + list(np.random.default_rng(1).normal(size=3 * 35)))
put("ratemap_walk", 1, 8, 8, 40, [2.0, 2.0, 1.0] + list(np.random.default_rng(2).uniform(-1, 1, 200)))
put("ratemap_nan", 1, 4, 4, 9, [1.0, 1.0, 0.0, float("nan"), 0.1, 0.2, float("inf")] * 6)
put("placecode_dog", 2, 8, 8, 0 | (1 << 3) | (7 << 5), [0.12, 2.0, 0.1, -0.3, 0.5, 0.5, 2e300, -1e-310])
put("placecode_gauss", 2, 8, 8, (0 << 3) | (3 << 5), [0.2, 1.0, 0.0, 0.0])
put("placecode_softmax", 2, 6, 6, (2 << 3) | (4 << 5), [0.12, 2.0, 0.3, 0.3, -0.9, 0.9])
put("placecode_tiny_sigma", 2, 6, 6, (0 << 3), [5e-324, 2.0, 0.0, 0.0])
put("placecode_user", 3, 6, 6, (1 << 3) | (2 << 5), [0.12, 2.0, 0.1, 0.1, -0.1, 0.4, 0.0, 0.0, 1e10, -1e10])
put("placecode_walled", 2, 7, 5, 4 | 1 | 2, [3.0, 1.5, 0.12, 4.0, 1.4, -0.7])
# Regressions: inputs that found bugs (NaN responses from a sigma whose
# variance over- or underflowed; Inf dominant k from a box whose
# wavenumbers squared overflow).
put("regress_placecode_huge_sigma", 2, 7, 5, 7, [3.0, 1.903465781757089e185, 1.9035985662523223e185])
put("regress_placecode_denormal_sigma", 2, 6, 6, 0, [5e-324, 2.0])
put("regress_scorer_tiny_box", 0, 5, 7, 67, [1e-300, 3e300] + [0.1 * i for i in range(40)])

# Recording measures (gridform_scorer_measures(3)), found by fuzz_score (the
# first seed rebuilt by hand from the diagnosis, the second the crasher):
# the firing bin's occupancy 1e-300 beside 1e300 elsewhere underflowed when
# scaled, and spatial_info returned NaN with GRIDFORM_OK;
put("regress_measures_info_occupancy_range", 0, 4, 4, 128,
    ([1.0] + [0.0] * 15) * 3 + [1e-300] + [1e300] * 15)
# a subnormal peak made the field threshold 0, so a field of zeros had a
# NaN centroid.
with open(os.path.join(out, "regress_measures_field_subnormal"), "wb") as f:
    f.write(bytes.fromhex("0858000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000a6000000000000000002000000000000000000000000000000000000000000000000005817"))
