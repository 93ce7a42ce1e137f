"""Turning validation errors into one-line :class:`~jointshield.errors.InputError` problems.

Format of one problem: ``<field path>: <message>``, where the path is written as in the file, e.g.
``launches[2].from.lat_deg: latitude 95 is outside -90..90 (degrees, north positive)`` or
``missiles[0].stages[1].propellant_mass_kg: -3 must be > 0``. A file with several problems gives one
:class:`ScenarioError` that carries them all (``.problems``) and whose own one-line text is the first
problem plus how many more there are.

Checks that need the whole document (unknown names, duplicates) run in a model validator, after every
field is valid; they report through :func:`located_error`, which carries a list of (relative location,
message) pairs that :func:`problems_from_validation_error` unpacks under the validator's location.
"""

from __future__ import annotations

import datetime as _dt
import re
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from ..errors import InputError

__all__ = [
    "LOC_TAGS",
    "ScenarioError",
    "format_loc",
    "located_error",
    "problems_from_validation_error",
    "show_value",
]

Loc = tuple[str | int, ...]

LOC_TAGS = frozenset({"@name", "@point", "[key]"})
"""Location parts that pydantic adds (union tags, dict-key markers) and that a user's file does not have."""

_IDENT = re.compile(r"^[A-Za-z0-9_-]+$")


class ScenarioError(InputError):
    """One or more problems in a scenario; ``problems`` holds one :class:`InputError` per problem."""

    def __init__(self, problems: Sequence[InputError]):
        if not problems:
            raise ValueError("ScenarioError needs at least one problem")
        self.problems: list[InputError] = list(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(first.field, first.message + suffix)

    def lines(self) -> list[str]:
        """One line per problem, ``field: message``."""
        return [str(p) for p in self.problems]


def located_error(problems: Sequence[tuple[Loc, str]]) -> PydanticCustomError:
    """A validation error that carries problems at locations relative to the model being validated."""
    summary = "; ".join(f"{format_loc(loc)}: {msg}" for loc, msg in problems)
    return PydanticCustomError("located", "{summary}", {"summary": summary, "problems": list(problems)})


def format_loc(loc: Loc) -> str:
    """``('launches', 2, 'from', 'lat_deg')`` → ``launches[2].from.lat_deg`` (pydantic tags dropped)."""
    out = ""
    for part in loc:
        if part in LOC_TAGS:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def show_value(v: Any) -> str:
    """A short, safe rendering of an input value (never the repr of a large or nested structure)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, str):
        return repr(v if len(v) <= 60 else v[:57] + "...")
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, (list, tuple)):
        return f"a list of {len(v)} item{'s' if len(v) != 1 else ''}"
    return f"a {type(v).__name__}"


def problems_from_validation_error(exc: ValidationError, model: type[BaseModel]) -> list[InputError]:
    """One :class:`InputError` per problem in ``exc``, raised while validating ``model``."""
    out: list[InputError] = []
    for err in exc.errors(include_url=False):
        loc: Loc = tuple(p for p in err["loc"] if p not in LOC_TAGS)
        if err["type"] == "located":
            for rel, msg in err["ctx"]["problems"]:
                out.append(InputError(format_loc(loc + tuple(rel)), msg))
            continue
        out.append(InputError(format_loc(loc), _message(err, model, loc)))
    return out


_BOUNDS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}


def _message(err: dict[str, Any], model: type[BaseModel], loc: Loc) -> str:
    t = err["type"]
    ctx = err.get("ctx") or {}
    value = show_value(err.get("input"))
    if t in _BOUNDS:
        op, key = _BOUNDS[t]
        bound = ctx[key]
        return f"{value} must be {op} {show_value(bound)}"
    if t in ("value_error", "assertion_error"):
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    if t == "missing":
        info = _field_at(model, loc)[1]
        hint = f": {info.description}" if info is not None and info.description else ""
        return f"required field is missing{hint}"
    if t == "extra_forbidden":
        container = _field_at(model, loc[:-1] + ("",))[0] if loc else model
        allowed = _field_names(container) if container is not None else []
        hint = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"unknown field {str(loc[-1])!r}{hint}"
    if t == "literal_error":
        return f"{value} is not allowed; choose one of {ctx.get('expected')}"
    if t == "finite_number":
        return f"{value} must be a finite number"
    if t == "timezone_aware":
        return f"{value} has no time zone; write UTC with a Z, e.g. 2008-03-01T12:00:00Z"
    if t in ("too_short", "too_long"):
        lo, hi = ctx.get("min_length"), ctx.get("max_length")
        n = ctx.get("actual_length")
        rng = f"at least {lo}" if t == "too_short" else f"at most {hi}"
        return f"has {n} item{'s' if n != 1 else ''}; needs {rng}"
    if t in ("model_type", "model_attributes_type", "dict_type"):
        return f"{value} should be a mapping of field: value"
    msg = err["msg"]
    if msg.startswith("Input should"):
        return f"{value} should{msg[len('Input should') :]}"
    return f"{msg} (got {value})"


def _field_at(model: type[BaseModel], loc: Loc) -> tuple[type[BaseModel] | None, Any]:
    """The model that holds the field at ``loc`` and that field's ``FieldInfo`` (None where unknown)."""
    cur: Any = model
    container: type[BaseModel] | None = None
    info: Any = None
    for part in loc:
        cur = _transparent(cur, part)
        if _is_model(cur) and isinstance(part, str):
            container, info = cur, _field_named(cur, part)
            if info is None:
                return container, None
            cur = info.annotation
            continue
        origin, args = typing.get_origin(cur), typing.get_args(cur)
        if origin is list and isinstance(part, int):
            cur, info = args[0], None
        elif origin is dict and isinstance(part, str):
            cur, info = args[1], None
        else:
            return None, None
    return container, info


def _transparent(tp: Any, part: str | int) -> Any:
    """Strip ``Annotated`` and pick the member of a union that can take ``part``."""
    for _ in range(8):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [_strip_annotated(a) for a in typing.get_args(tp)]
            if isinstance(part, str):
                fit = [m for m in members if _is_model(m) and _field_named(m, part) is not None]
                models = [m for m in members if _is_model(m)]
                if not fit and len(models) == 1:  # e.g. an unknown key inside an inline point or radar type
                    fit = models
            else:
                fit = [m for m in members if typing.get_origin(m) is list]
            if not fit:
                return tp
            tp = fit[0]
        else:
            return tp
    return tp


def _strip_annotated(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _field_named(model: type[BaseModel], name: str) -> Any:
    for fname, info in model.model_fields.items():
        if name in (fname, info.alias):
            return info
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or fname for fname, info in model.model_fields.items()]
