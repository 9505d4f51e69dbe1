#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_npy (tests/fuzz/corpus_npy/).

Run once with a Python that has NumPy; the output is committed, so the
fuzzer needs no Python.  Seeds cover what the reader must accept (float64
and float32, both byte orders, C and Fortran order, 0-d, empty, format 2.0
and 3.0 headers) and what it must refuse (other dtypes, object arrays,
bad magic and versions, truncated data, huge shapes, bad dict syntax)."""
import io
import os
import struct
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus_npy")
os.makedirs(out, exist_ok=True)


def save(name, arr, version=None):
    b = io.BytesIO()
    np.lib.format.write_array(b, arr, version=version, allow_pickle=True)
    put(name, b.getvalue())


def put(name, data):
    with open(os.path.join(out, name.replace(".npy", "")), "wb") as f:
        f.write(data)


def raw(header, payload=b"", version=(1, 0)):
    h = header.encode("latin1")
    hl = 4 if version[0] >= 2 else 2
    pad = (64 - (6 + 2 + hl + len(h) + 1) % 64) % 64
    h = h + b" " * pad + b"\n"
    fmt = "<I" if hl == 4 else "<H"
    return b"\x93NUMPY" + bytes(version) + struct.pack(fmt, len(h)) + h + payload


a = np.arange(6, dtype="<f8").reshape(2, 3) / 7.0
save("f8_c_2x3.npy", a)
save("f4_c_3.npy", np.array([1.5, -2.25, np.nan], dtype="<f4"))
save("f8_be_2x2.npy", np.array([[1.0, 2.0], [np.inf, -0.0]], dtype=">f8"))
save("f4_be_2.npy", np.array([3.0, 4.0], dtype=">f4"))
save("f8_fortran_3x2.npy", np.asfortranarray(np.arange(6.0).reshape(3, 2)))
save("f8_scalar.npy", np.array(2.5))
save("f8_empty.npy", np.zeros((0,), dtype="<f8"))
save("f8_3d.npy", np.arange(8.0).reshape(2, 2, 2))
save("f8_v2.npy", np.arange(3.0), version=(2, 0))
save("f8_v3.npy", np.arange(3.0), version=(3, 0))
save("i8.npy", np.arange(4, dtype="<i8"))
save("c16.npy", np.array([1 + 2j]))
save("object.npy", np.array([1.0, "x", None], dtype=object))
save("structured.npy", np.zeros(2, dtype=[("a", "<f8"), ("b", "<f4")]))
save("f8_9d.npy", np.zeros((1,) * 9))
full = raw("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", struct.pack("<4d", 1, 2, 3, 4))
put("truncated_data.npy", full[:-5])
put("truncated_header.npy", full[:30])
put("bad_magic.npy", b"\x93NUMPZ" + full[6:])
put("bad_version.npy", full[:6] + b"\x09\x00" + full[8:])
put("huge_shape.npy", raw("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", b"\0" * 16))
put("huge_1d.npy", raw("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }", b"\0" * 16))
put("bad_dict.npy", raw("{'descr': '<f8' 'fortran_order': False, 'shape': (2,) }", b"\0" * 16))
put("no_shape.npy", raw("{'descr': '<f8', 'fortran_order': False}", b"\0" * 16))
put("neg_shape.npy", raw("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", b"\0" * 16))
put("header_len_lies.npy", b"\x93NUMPY\x01\x00\xff\xff" + full[10:])
put("empty_file.npy", b"")
