"""Print the CPU features numpy dispatches to on this machine, above its baseline.

NPY_DISABLE_CPU_FEATURES set to this list holds numpy back to the baseline its
wheel was built for: other SIMD code for exp, log and sums, as on an older CPU.
"""


try:  # numpy 2
    from numpy._core import _multiarray_umath as umath
except ImportError:  # numpy 1
    from numpy.core import _multiarray_umath as umath

print(" ".join(f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f)))
