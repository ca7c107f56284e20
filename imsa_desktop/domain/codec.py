"""Turn domain dataclasses into JSON-ready dicts and back, strictly and without Qt or SQL.

Used by the store (records are kept as JSON inside the encrypted database), by bundles and
by the case document. Unknown keys are ignored on the way in (newer writers may add fields);
missing keys take the field's default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

from imsa_desktop.domain.dates import FuzzyDate, parse_iso_date
from imsa_desktop.errors import InvalidInput

T = TypeVar("T")

_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    h = _HINTS.get(cls)
    if h is None:
        h = get_type_hints(cls)
        _HINTS[cls] = h
    return h


_PLAIN = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type, value: Any) -> tuple[str, ...] | None:
    """The field names of dataclass *cls* (None if it is not one), looked up once per class."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        pass
    names = None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = tuple(f.name for f in dataclasses.fields(value))
    _FIELD_NAMES[cls] = names
    return names


def to_jsonable(value: Any) -> Any:
    cls = type(value)
    if cls in _PLAIN:
        return value
    names = _field_names(cls, value)
    if names is not None:
        if isinstance(value, FuzzyDate):
            return value.text
        return {n: to_jsonable(getattr(value, n)) for n in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def _short(value: object) -> str:
    from imsa_desktop.domain.validation import shorten

    return shorten(value)


def from_jsonable(cls: type[T], data: Any, where: str = "") -> T:
    return typing.cast(T, _convert(cls, data, where or cls.__name__))


def _convert(tp: Any, value: Any, where: str) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, where)
    if tp is Any:
        return value
    if origin is list:
        if not isinstance(value, list):
            raise InvalidInput(f"{where} should be a list.")
        (inner,) = get_args(tp)
        return [_convert(inner, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise InvalidInput(f"{where} should be an object.")
        return dict(value)
    if tp is FuzzyDate:
        if not isinstance(value, str):
            raise InvalidInput(f"{where} should be a date written as text.")
        return FuzzyDate.parse(value, what=where)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        upgrade = getattr(tp, "upgrade_data", None)  # older shapes of a record (see ConsentRecord)
        if callable(upgrade):
            value = upgrade(value)
        if not isinstance(value, dict):
            raise InvalidInput(f"{where} should be an object.")
        hints = _hints(tp)
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(tp):
            if f.name in value:
                kwargs[f.name] = _convert(hints[f.name], value[f.name], f"{where}.{f.name}")
        try:
            return tp(**kwargs)
        except TypeError:
            missing = [
                f.name
                for f in dataclasses.fields(tp)
                if f.name not in kwargs
                and f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING
            ]
            raise InvalidInput(f"{where} is missing {', '.join(missing) or 'a field'}.") from None
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            raise InvalidInput(f"{where} '{_short(value)}' is not one of: {allowed}.") from None
    if tp is datetime:
        if not isinstance(value, str):
            raise InvalidInput(f"{where} should be a date and time (YYYY-MM-DDTHH:MM).")
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput(
                f"{where} '{_short(value)}' is not a real date and time (YYYY-MM-DDTHH:MM)."
            ) from None
    if tp is date:
        if not isinstance(value, str):
            raise InvalidInput(f"{where} should be a date (YYYY-MM-DD).")
        return parse_iso_date(value, what=where)
    if tp is bool:
        if not isinstance(value, bool):
            raise InvalidInput(f"{where} should be true or false.")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"{where} should be a whole number.")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(f"{where} should be a number.")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise InvalidInput(f"{where} should be text.")
        return value
    return value
