"""jax_pmap: pmap and SPMD execution over several devices (and several processes).

Importing this package gives ``xla_pmap`` (pmap's primitive, from
``jax_core.lax``) its implementation -- replicated compilation and execution
through jax-xla -- and registers the lowering of every collective
(``psum``, ``all_gather``, ``ppermute``, ``all_to_all``, ...) into jax-xla's
rule table.  :mod:`jax_pmap.distributed` joins several processes into one
set of devices.
"""
__version__ = "0.1.0"

from jax_core.lax.parallel import xla_pmap_p as _xla_pmap_p
import jax_xla as _jax_xla  # noqa: F401  (backends, jit, the eager device hooks)

from jax_pmap import lowering  # noqa: F401  (registers the collectives' lowering rules)
from jax_pmap import distributed
from jax_pmap.api import Lowered, PmapFunction, pmap
from jax_pmap.execution import PmapExecutable, clear_caches, pmap_impl
from jax_pmap.sharded import ShardedBuffer, is_sharded

_xla_pmap_p.def_impl(pmap_impl)

__all__ = ["pmap", "PmapFunction", "Lowered", "PmapExecutable", "ShardedBuffer", "is_sharded", "distributed",
           "clear_caches", "lowering"]
