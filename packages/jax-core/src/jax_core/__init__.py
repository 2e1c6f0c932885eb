"""jax_core: pytrees, dtypes, abstract values, primitives, traces, jaxprs and lax.

Everything here runs on NumPy alone.  Interpreter packages (jax-ad,
jax-batching, jax-xla, ...) register their rules for the primitives defined in
:mod:`jax_core.lax`.
"""
__version__ = "0.1.0"

from jax_core import config as _config_module
from jax_core.config import config
from jax_core import dtypes, tree_util
from jax_core.core import (
    Array,
    ConcretizationTypeError,
    DeviceArray,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    TracerArrayConversionError,
    TracerBoolConversionError,
    TracerIntegerConversionError,
    UnexpectedTracerError,
    get_aval,
)
from jax_core.jaxpr import (
    ClosedJaxpr,
    Jaxpr,
    ShapeDtypeStruct,
    eval_jaxpr,
    eval_shape,
    make_jaxpr,
)
from jax_core import lax
from jax_core import array_methods as _array_methods  # attaches operators to Array/Tracer

__all__ = [
    "config", "dtypes", "tree_util", "lax",
    "Array", "DeviceArray", "ShapedArray", "Primitive", "Trace", "Tracer",
    "ConcretizationTypeError", "TracerArrayConversionError", "TracerBoolConversionError",
    "TracerIntegerConversionError", "UnexpectedTracerError", "get_aval",
    "ClosedJaxpr", "Jaxpr", "ShapeDtypeStruct", "eval_jaxpr", "eval_shape", "make_jaxpr",
]
