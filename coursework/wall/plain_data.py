"""Values as plain data: JSON with arrays spelled out, and nothing that runs code.

What crosses the sandbox's wall, both ways, goes through these two functions:
the inputs the grader sends to a submission's functions, and the values they
return. ``decode`` builds only numbers, strings, lists, tuples, dicts and
numeric numpy arrays; anything else a submission returns arrives as an
:class:`Unreadable` that no check accepts. Nothing is ever unpickled.

This module also runs inside the sandbox (the harvest imports it there), so it
uses nothing but the standard library and numpy.
"""

import json
import math

import numpy as np

NUMERIC_KINDS = "biuf"  # bool, int, unsigned, float: what an array may hold


class Unreadable:
    """A returned value that is not plain data (a function, a generator, a class...)."""

    def __init__(self, type_name):
        self.type_name = str(type_name)[:80]

    def __repr__(self):
        return f"<a {self.type_name}, which the grader cannot read as numbers>"


def encode(value, depth=0):
    """Return ``value`` as JSON-ready data (see :func:`decode`)."""
    if depth > 20:
        return {"unreadable": "structure nested deeper than 20 levels"}
    if value is None or isinstance(value, (bool, str)):
        return value
    # numpy's scalars first: np.float64 is a float too, and must come back as itself.
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        array = np.asarray(value)
        if array.dtype.kind not in NUMERIC_KINDS:
            return {"unreadable": f"array of dtype {array.dtype}"}
        flat = [v if math.isfinite(v) else repr(v) for v in array.astype(float).ravel().tolist()] \
            if array.dtype.kind == "f" else array.ravel().tolist()
        return {"array": flat, "dtype": array.dtype.str, "shape": list(array.shape),
                "scalar": isinstance(value, np.generic)}
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"unreadable": "integer too large"}
    if isinstance(value, float):
        value = float(value)
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, (str, int)) and not isinstance(k, bool) for k in value):
            return {"unreadable": "dict with keys that are not strings or integers"}
        return {"dict": [[k, encode(v, depth + 1)] for k, v in value.items()]}
    return {"unreadable": type(value).__name__}


def decode(data, depth=0):
    """Rebuild a value written by :func:`encode`; raise ValueError on anything else."""
    if depth > 21:
        raise ValueError("plain data nested too deep")
    if data is None or isinstance(data, (bool, str, int, float)):
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) == 0:
        raise ValueError(f"not plain data: {type(data).__name__}")
    if set(data) == {"float"}:
        return float(_special_float(data["float"]))
    if set(data) == {"tuple"}:
        return tuple(decode(v, depth + 1) for v in _list(data["tuple"]))
    if set(data) == {"dict"}:
        pairs = _list(data["dict"])
        if not all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], (str, int)) for p in pairs):
            raise ValueError("not plain data: a dict's items must be [key, value] pairs")
        return {k: decode(v, depth + 1) for k, v in pairs}
    if set(data) == {"unreadable"}:
        return Unreadable(data["unreadable"])
    if set(data) == {"array", "dtype", "shape", "scalar"}:
        dtype = np.dtype(str(data["dtype"]))
        if dtype.kind not in NUMERIC_KINDS:
            raise ValueError(f"not plain data: arrays of dtype {dtype}")
        shape = tuple(int(n) for n in _list(data["shape"]))
        flat = [_special_float(v) if isinstance(v, str) else v for v in _list(data["array"])]
        if not all(isinstance(v, (bool, int, float)) for v in flat):
            raise ValueError("not plain data: an array holds something other than numbers")
        array = np.array(flat, dtype=dtype).reshape(shape)
        return array[()] if data["scalar"] else array
    raise ValueError(f"not plain data: a dict with keys {sorted(data)[:5]}")


def _special_float(text):
    if text not in ("inf", "-inf", "nan"):
        raise ValueError(f"not plain data: the float {text!r}")
    return float(text)


def _list(value):
    if not isinstance(value, list):
        raise ValueError(f"not plain data: expected a list, got {type(value).__name__}")
    return value


def dumps(value) -> str:
    return json.dumps(encode(value), allow_nan=False)


def loads(text: str):
    return decode(json.loads(text))
