"""``jax_core.lax``: every primitive of the system and its Python wrapper.

Each submodule declares its primitives with the pattern of
:mod:`jax_core.lax.primitive_util` and lists its public names in ``__all__``.
"""
from jax_core.lax.primitive_util import all_primitives
from jax_core.lax.elementwise import *  # noqa: F401,F403
from jax_core.lax.structural import *  # noqa: F401,F403
from jax_core.lax.indexing import *  # noqa: F401,F403
from jax_core.lax.reductions import *  # noqa: F401,F403
from jax_core.lax.dot import *  # noqa: F401,F403
from jax_core.lax.cumulative import *  # noqa: F401,F403
from jax_core.lax.windowed import *  # noqa: F401,F403
from jax_core.lax.convolution import *  # noqa: F401,F403
from jax_core.lax.sorting import *  # noqa: F401,F403
from jax_core.lax.helpers import *  # noqa: F401,F403
from jax_core.lax.control_flow import *  # noqa: F401,F403
from jax_core.lax import linalg  # noqa: F401,E402
from jax_core.lax.fft import *  # noqa: F401,F403,E402
from jax_core.lax.parallel import *  # noqa: F401,F403,E402
