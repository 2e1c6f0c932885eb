"""jax_numpy: the NumPy API on top of jax_core.lax.

NumPy's broadcasting with JAX's type promotion and 32-bit defaults; every
function works eagerly (NumPy fast paths for hot functions on host arrays)
and under every transformation (it only binds lax primitives).
"""
__version__ = "0.1.0"

from jax_numpy.dtype_api import *  # noqa: F401,F403
from jax_numpy.creation import *  # noqa: F401,F403
from jax_numpy.ufuncs import *  # noqa: F401,F403
from jax_numpy.reductions import *  # noqa: F401,F403
from jax_numpy.shape_ops import *  # noqa: F401,F403
from jax_numpy.indexing import *  # noqa: F401,F403
from jax_numpy.sorting import *  # noqa: F401,F403
from jax_numpy.products import *  # noqa: F401,F403
from jax_numpy.polynomial import *  # noqa: F401,F403
from jax_numpy.statistics import *  # noqa: F401,F403
from jax_numpy.numeric import *  # noqa: F401,F403
from jax_numpy.vectorize import *  # noqa: F401,F403
from jax_numpy import ops  # noqa: F401
from jax_numpy._names import NOT_IMPLEMENTED  # noqa: F401
from jax_numpy import array_methods as _array_methods

# Python builtins shadowed by the star imports above stay reachable as jnp.<name>
from jax_numpy.dtype_api import bool  # noqa: F401,A004
from jax_numpy.ufuncs import abs, round, pow, divmod  # noqa: F401,A004
from jax_numpy.reductions import sum, max, min, all, any  # noqa: F401,A004

_array_methods.install()
del _array_methods
from jax_numpy import linalg, fft, nn, scipy  # noqa: E402,F401  (issue 8: linalg, FFT, scipy, nn)
