"""Global configuration flags, in the style of ``jax.config``.

Every flag is an attribute of the singleton :data:`config`, so reading one on
a hot path is a plain instance-attribute lookup.  Writes go through
:meth:`Config.update`, which validates the value, refreshes the cached
:meth:`Config.trace_context` tuple and tells listeners (compilation caches)
about the change.

Other packages add their own flags with :meth:`Config.define_flag`; a flag's
default may come from an environment variable, read once at definition time.
"""
from __future__ import annotations

import operator
import os
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    "Config",
    "config",
    "FlagInfo",
    "parse_bool",
    "enable_x64",
    "disable_jit",
    "x64_enabled",
]

_TRUE_STRINGS = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE_STRINGS = frozenset({"0", "false", "f", "no", "n", "off", ""})


def parse_bool(text: str) -> bool:
    """Parses an environment-variable style boolean ("1", "true", "yes", ...)."""
    lowered = text.strip().lower()
    if lowered in _TRUE_STRINGS:
        return True
    if lowered in _FALSE_STRINGS:
        return False
    raise ValueError(
        f"invalid truth value {text!r}; use one of 1/true/yes/on or 0/false/no/off")


def _parse_optional_str(text: str) -> Optional[str]:
    text = text.strip()
    return text or None


def _identity(value: Any) -> Any:
    return value


class FlagInfo:
    """What the registry knows about one flag (its value lives on the Config)."""

    __slots__ = ("name", "default", "env_var", "parse", "coerce", "choices",
                 "help", "affects_tracing")

    def __init__(self, name: str, default: Any, env_var: Optional[str],
                 parse: Callable[[str], Any], coerce: Callable[[Any], Any],
                 choices: Optional[Tuple[Any, ...]], help: str,
                 affects_tracing: bool) -> None:
        self.name = name
        self.default = default
        self.env_var = env_var
        self.parse = parse
        self.coerce = coerce
        self.choices = choices
        self.help = help
        self.affects_tracing = affects_tracing

    def __repr__(self) -> str:
        return f"FlagInfo({self.name!r}, default={self.default!r}, env_var={self.env_var!r})"


def _default_parse_for(default: Any) -> Callable[[str], Any]:
    if isinstance(default, bool):
        return parse_bool
    if isinstance(default, int):
        return lambda text: int(text.strip())
    if isinstance(default, float):
        return lambda text: float(text.strip())
    return _identity


def _default_coerce_for(default: Any) -> Callable[[Any], Any]:
    """Values given to ``update`` are coerced to the flag's type where it has one."""
    if isinstance(default, bool):
        def coerce_bool(value: Any) -> bool:
            if isinstance(value, str):
                return parse_bool(value)
            if isinstance(value, (bool, int, np.bool_, np.integer)):
                return bool(value)
            raise TypeError(f"expected a bool, got {value!r}")
        return coerce_bool
    if isinstance(default, int):
        def coerce_int(value: Any) -> int:
            if isinstance(value, bool):
                raise TypeError(f"expected an int, got {value!r}")
            if isinstance(value, str):
                return int(value.strip())
            return operator.index(value)
        return coerce_int
    return _identity


class Config:
    """The flag registry.  Use the singleton :data:`config`."""

    # Declared for type checkers; the values are set per instance by define_flag.
    jax_enable_x64: bool
    jax_disable_jit: bool
    jax_platforms: Optional[str]
    jax_num_cpu_devices: int
    jax_default_matmul_precision: Optional[str]
    jax_numpy_rank_promotion: str
    jax_debug_nans: bool
    jax_default_prng_impl: str

    def __init__(self) -> None:
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_listeners", [])
        object.__setattr__(self, "_trace_context", ())

    # -- definition ---------------------------------------------------------

    def define_flag(self, name: str, default: Any, env_var: Optional[str] = None,
                    parse: Optional[Callable[[str], Any]] = None, *,
                    coerce: Optional[Callable[[Any], Any]] = None,
                    choices: Optional[Sequence[Any]] = None, help: str = "",
                    affects_tracing: bool = False) -> Any:
        """Registers a flag and returns its initial value.

        ``env_var``, when set in the environment, overrides ``default`` after
        being turned into a value by ``parse`` (by default chosen from the type
        of ``default``: bool strings, ints, floats, or the string itself).
        ``affects_tracing`` puts the flag into :meth:`trace_context`, the key
        that jit caches include.
        """
        flags: Dict[str, FlagInfo] = self._flags
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"flag name must be an identifier, got {name!r}")
        if name in flags:
            raise ValueError(f"config flag {name!r} is already defined")
        if name in type(self).__dict__ and name not in type(self).__annotations__:
            raise ValueError(f"config flag {name!r} would shadow a Config method")
        info = FlagInfo(
            name, default, env_var,
            parse if parse is not None else _default_parse_for(default),
            coerce if coerce is not None else _default_coerce_for(default),
            tuple(choices) if choices is not None else None, help, affects_tracing)
        value = default
        if env_var is not None:
            raw = os.environ.get(env_var)
            if raw is not None:
                try:
                    value = info.parse(raw)
                except (TypeError, ValueError) as err:
                    raise ValueError(
                        f"could not parse environment variable {env_var}={raw!r} "
                        f"for config flag {name!r}: {err}") from None
        self._check_choice(info, value)
        flags[name] = info
        object.__setattr__(self, name, value)
        if affects_tracing:
            self._refresh_trace_context()
        return value

    # -- reading and writing ------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails, i.e. for unknown names.
        if name.startswith("_"):  # private or dunder: never a flag
            raise AttributeError(name)
        raise AttributeError(self._unknown_flag_message(name))

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._flags:
            self.update(name, value)
        else:
            raise AttributeError(self._unknown_flag_message(name))

    def read(self, name: str) -> Any:
        if name not in self._flags:
            raise AttributeError(self._unknown_flag_message(name))
        return self.__dict__[name]

    def update(self, name: str, value: Any) -> None:
        """Sets flag ``name``; listeners hear about it if the value changed."""
        info = self._flags.get(name)
        if info is None:
            raise AttributeError(self._unknown_flag_message(name))
        if value is not None or info.default is not None:
            try:
                value = info.coerce(value)
            except (TypeError, ValueError) as err:
                raise type(err)(f"invalid value {value!r} for config flag {name!r}: {err}") from None
        self._check_choice(info, value)
        old = self.__dict__[name]
        object.__setattr__(self, name, value)
        if type(old) is type(value) and old == value:
            return
        if info.affects_tracing:
            self._refresh_trace_context()
        for listener in tuple(self._listeners):
            listener(name, value)

    @property
    def values(self) -> Dict[str, Any]:
        """A snapshot of every flag's current value."""
        return {name: self.__dict__[name] for name in self._flags}

    @property
    def flags(self) -> Dict[str, FlagInfo]:
        return dict(self._flags)

    @property
    def x64_enabled(self) -> bool:
        return self.jax_enable_x64

    # -- listeners and the tracing key ---------------------------------------

    def add_listener(self, fn: Callable[[str, Any], None]) -> None:
        """Calls ``fn(name, value)`` after every update that changes a value."""
        self._listeners.append(fn)

    def remove_listener(self, fn: Callable[[str, Any], None]) -> None:
        self._listeners.remove(fn)

    def trace_context(self) -> Tuple[Any, ...]:
        """Values of the flags that change tracing or lowering, as a hashable key.

        Rebuilt only when one of those flags is updated, so calling it costs a
        method call and an attribute read.
        """
        context: Tuple[Any, ...] = self._trace_context
        return context

    def trace_context_flags(self) -> Tuple[str, ...]:
        return tuple(n for n, info in self._flags.items() if info.affects_tracing)

    def _refresh_trace_context(self) -> None:
        values = self.__dict__
        object.__setattr__(self, "_trace_context", tuple(
            values[n] for n, info in self._flags.items() if info.affects_tracing))

    # -- context managers ------------------------------------------------------

    @contextmanager
    def temporary(self, name: str, value: Any) -> Iterator[None]:
        """Sets a flag for the duration of a ``with`` block, then restores it."""
        old = self.read(name)
        self.update(name, value)
        try:
            yield
        finally:
            self.update(name, old)

    def disable_jit(self, disable: bool = True) -> Any:
        """Context manager that runs jitted functions eagerly (op by op)."""
        return self.temporary("jax_disable_jit", disable)

    def enable_x64(self, enable: bool = True) -> Any:
        """Context manager that turns 64-bit types on (or off) inside its block."""
        return self.temporary("jax_enable_x64", enable)

    # -- compatibility no-ops (old JAX programs call these) --------------------

    def config_with_absl(self) -> None:
        pass

    def parse_flags_with_absl(self) -> None:
        pass

    # -- helpers ----------------------------------------------------------------

    def _check_choice(self, info: FlagInfo, value: Any) -> None:
        if info.choices is not None and value not in info.choices:
            raise ValueError(
                f"invalid value {value!r} for config flag {info.name!r}; "
                f"expected one of {', '.join(repr(c) for c in info.choices)}")

    def _unknown_flag_message(self, name: str) -> str:
        known = ", ".join(sorted(self._flags))
        return f"Unrecognized config option: {name!r}. Known flags: {known}"

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"Config({items})"


config = Config()

config.define_flag(
    "jax_enable_x64", False, env_var="JAX_ENABLE_X64", affects_tracing=True,
    help="Enable 64-bit types (int64, float64, complex128); off by default.")
config.define_flag(
    "jax_disable_jit", False, env_var="JAX_DISABLE_JIT",
    help="Run jitted functions eagerly, for debugging.")
config.define_flag(
    "jax_platforms", None, env_var="JAX_PLATFORMS", parse=_parse_optional_str,
    help="Comma-separated list of platforms to use, in order of preference.")
config.define_flag(
    "jax_num_cpu_devices", 1, env_var="JAX_NUM_CPU_DEVICES",
    help="Number of CPU devices the CPU client exposes.")
config.define_flag(
    "jax_default_matmul_precision", None, env_var="JAX_DEFAULT_MATMUL_PRECISION",
    parse=_parse_optional_str, affects_tracing=True,
    help="Default precision of matmuls and convolutions ('default', 'high', "
         "'highest', 'bfloat16', 'tensorfloat32', 'float32', ...).")
config.define_flag(
    "jax_numpy_rank_promotion", "allow", env_var="JAX_NUMPY_RANK_PROMOTION",
    affects_tracing=True, choices=("allow", "warn", "raise"),
    help="What to do when NumPy broadcasting promotes ranks implicitly.")
config.define_flag(
    "jax_debug_nans", False, env_var="JAX_DEBUG_NANS", affects_tracing=True,
    help="Raise an error when an operation produces a NaN.")
config.define_flag(
    "jax_default_prng_impl", "threefry2x32", env_var="JAX_DEFAULT_PRNG_IMPL",
    help="The PRNG implementation used by jax.random.")


def x64_enabled() -> bool:
    return config.jax_enable_x64


def enable_x64(enable: bool = True) -> Any:
    """``with enable_x64(): ...`` turns on 64-bit types inside the block."""
    return config.temporary("jax_enable_x64", enable)


def disable_jit(disable: bool = True) -> Any:
    """``with disable_jit(): ...`` runs jitted functions eagerly inside the block."""
    return config.temporary("jax_disable_jit", disable)
