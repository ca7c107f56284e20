"""Turn domain dataclasses into JSON-ready dicts and back, strictly and without Qt or SQL.

Used by the store (records are kept as JSON inside the encrypted database), by bundles and
by the case document. Unknown keys are ignored on the way in (newer writers may add fields);
missing keys take the field's default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
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
    """*data* (as ``json.loads`` gives it) as a *cls*, checked field by field.

    Two passes at most: a quick one that only says yes or no (what the store reads is nearly
    always well formed: a 10,000-case Today page decodes every case), then, only if it said no,
    the careful one that names the field at fault (``case.decisions[2].date ...``). The quick
    pass is never looser than the careful one: when in doubt it says no.
    """
    try:
        return typing.cast(T, _quick(cls)(data))
    except Exception:  # noqa: BLE001 - any doubt: the careful pass decides, and says why
        pass
    return typing.cast(T, _convert(cls, data, where or cls.__name__))


Converter = Callable[[Any, str], Any]
_CONVERTERS: dict[Any, Converter] = {}


def _convert(tp: Any, value: Any, where: str) -> Any:
    """*value* as *tp*; the checks and messages for each type hint are worked out once per
    hint (``_converter``): loading a 1,000-event case makes 40,000 of these calls."""
    try:
        conv = _CONVERTERS[tp]
    except KeyError:
        conv = _CONVERTERS[tp] = _converter(tp)
    except TypeError:  # an unhashable hint: worked out each time
        conv = _converter(tp)
    return conv(value, where)


def _converter(tp: Any) -> Converter:
    """The converter for one type hint (the branches of what was one long ``_convert``)."""
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]

        def optional(value: Any, where: str) -> Any:
            if value is None:
                return None
            return _convert(args[0], value, where)

        return optional
    if tp is Any:
        return _as_is
    if origin is list:
        (inner,) = get_args(tp)

        def a_list(value: Any, where: str) -> Any:
            if not isinstance(value, list):
                raise InvalidInput(f"{where} should be a list.")
            return [_convert(inner, v, f"{where}[{i}]") for i, v in enumerate(value)]

        return a_list
    if origin is dict:
        return _a_dict
    if tp is FuzzyDate:
        return _a_fuzzy_date
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_converter(tp)
    return _SIMPLE.get(tp, _as_is)


def _as_is(value: Any, where: str) -> Any:
    return value


def _a_dict(value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} should be an object.")
    return dict(value)


def _a_fuzzy_date(value: Any, where: str) -> Any:
    if not isinstance(value, str):
        raise InvalidInput(f"{where} should be a date written as text.")
    return FuzzyDate.parse(value, what=where)


def _dataclass_converter(tp: type) -> Converter:
    upgrade = getattr(tp, "upgrade_data", None)  # older shapes of a record (see ConsentRecord)
    upgrade = upgrade if callable(upgrade) else None
    plan: list[tuple[str, Any]] = []

    def a_dataclass(value: Any, where: str) -> Any:
        if upgrade is not None:
            value = upgrade(value)
        if not isinstance(value, dict):
            raise InvalidInput(f"{where} should be an object.")
        if not plan:  # the hints are resolved on first use (one list, swapped in whole)
            hints = _hints(tp)
            plan[:] = [(f.name, hints[f.name]) for f in dataclasses.fields(tp)]
        kwargs: dict[str, Any] = {}
        for name, hint in plan:
            if name in value:
                kwargs[name] = _convert(hint, value[name], f"{where}.{name}")
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

    return a_dataclass


def _enum_converter(tp: type[Enum]) -> Converter:
    members = tp._value2member_map_

    def an_enum(value: Any, where: str) -> Any:
        try:
            member = members.get(value)
        except TypeError:  # unhashable: let the enum say no
            member = None
        if member is not None:
            return member
        try:
            return tp(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            raise InvalidInput(f"{where} '{_short(value)}' is not one of: {allowed}.") from None

    return an_enum


def _a_datetime(value: Any, where: str) -> Any:
    if not isinstance(value, str):
        raise InvalidInput(f"{where} should be a date and time (YYYY-MM-DDTHH:MM).")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{where} '{_short(value)}' is not a real date and time (YYYY-MM-DDTHH:MM)."
        ) from None


def _a_date(value: Any, where: str) -> Any:
    if not isinstance(value, str):
        raise InvalidInput(f"{where} should be a date (YYYY-MM-DD).")
    return parse_iso_date(value, what=where)


def _a_bool(value: Any, where: str) -> Any:
    if not isinstance(value, bool):
        raise InvalidInput(f"{where} should be true or false.")
    return value


def _an_int(value: Any, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{where} should be a whole number.")
    return value


def _a_float(value: Any, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{where} should be a number.")
    return float(value)


def _a_str(value: Any, where: str) -> Any:
    if not isinstance(value, str):
        raise InvalidInput(f"{where} should be text.")
    return value


_SIMPLE: dict[Any, Converter] = {
    datetime: _a_datetime,
    date: _a_date,
    bool: _a_bool,
    int: _an_int,
    float: _a_float,
    str: _a_str,
}


# ---- the quick pass: the same checks, no field paths, no messages ---------------------------

Quick = Callable[[Any], Any]
_QUICK: dict[Any, Quick] = {}


class _No(Exception):
    """The quick pass's "no": the careful pass runs and says what is wrong."""


def _quick(tp: Any) -> Quick:
    try:
        return _QUICK[tp]
    except KeyError:
        pass
    except TypeError:  # an unhashable hint: the careful pass only
        return _never
    q = _QUICK[tp] = _quick_for(tp)
    return q


def _never(value: Any) -> Any:
    raise _No


def _quick_for(tp: Any) -> Quick:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        inner = _quick(args[0])  # as the careful pass: the first type named
        return lambda value: None if value is None else inner(value)
    if tp is Any:
        return _same
    if origin is list:
        (arg,) = get_args(tp)
        item = _quick(arg)

        def a_list(value: Any) -> Any:
            if type(value) is not list:
                raise _No
            return [item(v) for v in value]

        return a_list
    if origin is dict:
        return lambda value: _a_dict(value, "")
    if tp is FuzzyDate:
        return lambda value: _a_fuzzy_date(value, "")
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _quick_dataclass(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        members = tp._value2member_map_

        def an_enum(value: Any) -> Any:
            member = members.get(value) if type(value) is str else None  # noqa: E721
            if member is None:
                raise _No
            return member

        return an_enum
    return _QUICK_SIMPLE.get(tp, _same)


def _same(value: Any) -> Any:
    return value


def _quick_dataclass(tp: type) -> Quick:
    upgrade = getattr(tp, "upgrade_data", None)
    upgrade = upgrade if callable(upgrade) else None
    plan: list[tuple[str, Quick]] = []

    def a_dataclass(value: Any) -> Any:
        if upgrade is not None:
            value = upgrade(value)
        if type(value) is not dict:
            raise _No
        if not plan:
            hints = _hints(tp)
            plan[:] = [(f.name, _quick(hints[f.name])) for f in dataclasses.fields(tp)]
        return tp(**{name: conv(value[name]) for name, conv in plan if name in value})

    return a_dataclass


def _quick_date(value: Any) -> Any:
    # What the store writes (date.isoformat): exactly YYYY-MM-DD in ASCII digits. Anything else,
    # the careful pass (parse_iso_date) decides.
    if type(value) is not str or len(value) != 10 or not value.isascii() or value[4] + value[7] != "--":
        raise _No
    return date.fromisoformat(value)


def _quick_datetime(value: Any) -> Any:
    if type(value) is not str:
        raise _No
    return datetime.fromisoformat(value)


def _quick_str(value: Any) -> Any:
    if type(value) is not str:
        raise _No
    return value


def _quick_bool(value: Any) -> Any:
    if type(value) is not bool:
        raise _No
    return value


def _quick_int(value: Any) -> Any:
    if type(value) is not int:
        raise _No
    return value


def _quick_float(value: Any) -> Any:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise _No


_QUICK_SIMPLE: dict[Any, Quick] = {
    datetime: _quick_datetime,
    date: _quick_date,
    bool: _quick_bool,
    int: _quick_int,
    float: _quick_float,
    str: _quick_str,
}
