"""Typed, strict loading of ``params.yaml`` sections into frozen dataclasses.

Each stage owns one frozen dataclass describing its section. ``load_section`` is the one place
that turns YAML into those objects: unknown keys and wrong types are errors that name the key,
so a typo in ``params.yaml`` or ``dvc exp run -S`` fails loudly instead of being ignored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar, Union

T = TypeVar("T")

DEFAULT_PARAMS_PATH = Path("params.yaml")
PARSED_PARAMS_PREFIX = "params-yaml-"  # + sha256 of the file's bytes + .json, in a stage's cache folder


class ParamsError(ValueError):
    """A params.yaml section does not match its dataclass."""


def read_params_file(path: str | Path = DEFAULT_PARAMS_PATH, cache_dir: str | Path | None = None) -> dict[str, Any]:
    """The params file's sections.

    With ``cache_dir``, what the file parsed to is kept there as JSON, named by the sha256 of its
    bytes, and read back while the file is unchanged: importing PyYAML takes ~20 ms, a tenth of a
    rerun of ``extract`` after one document was added. Only data that JSON gives back exactly is
    kept (not, say, a YAML date or a mapping with integer keys), and only the newest file.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError:
        raise ParamsError(f"params file not found: {file}") from None
    parsed = Path(cache_dir) / f"{PARSED_PARAMS_PREFIX}{hashlib.sha256(raw).hexdigest()}.json" if cache_dir else None
    if parsed is not None:
        try:
            data = json.loads(parsed.read_bytes())
        except (OSError, ValueError):  # none yet, or damaged: parsed again below and rewritten
            pass
        else:
            if isinstance(data, dict):
                return data
    data = _parse_yaml(raw.decode("utf-8")) or {}
    if not isinstance(data, dict):
        raise ParamsError(f"{file}: top level must be a mapping of sections")
    if parsed is not None and (text := _exact_json(data)) is not None:
        _keep_parsed(parsed, text)
    return data


def _parse_yaml(text: str) -> Any:
    import yaml  # here, not at module level: a stage whose parsed params are cached never imports it

    # libyaml's safe loader when PyYAML has it: the same documents, ~6x faster on params.yaml.
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _exact_json(data: dict[str, Any]) -> str | None:
    """``data`` as JSON (key order kept: sections and adapters are listed in order), or None when
    JSON would not give it back exactly."""
    try:
        text = json.dumps(data)
    except (TypeError, ValueError):  # e.g. a date
        return None
    return text if json.loads(text) == data else None  # e.g. integer keys, NaN


def _keep_parsed(parsed: Path, text: str) -> None:
    """Write ``parsed`` and drop older parsed files beside it; a failure only costs the next run a
    parse (the cache folder may be read-only, or shared)."""
    from adaptline.records import write_text

    try:
        write_text(parsed, text)
        for older in parsed.parent.glob(f"{PARSED_PARAMS_PREFIX}*.json"):
            if older != parsed:
                older.unlink(missing_ok=True)
    except OSError:
        pass


def load_section(
    cls: type[T], section: str, path: str | Path = DEFAULT_PARAMS_PATH, cache_dir: str | Path | None = None
) -> T:
    """Load ``section`` of the params file into ``cls`` (a frozen dataclass); ``cache_dir``: see
    ``read_params_file``."""
    data = read_params_file(path, cache_dir)
    if section not in data:
        raise ParamsError(f"{path}: missing section '{section}'")
    return from_dict(cls, data[section], where=section)


def from_dict(cls: type[T], data: Any, where: str) -> T:
    """Build dataclass ``cls`` from plain data, checking keys and types recursively."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParamsError(f"{where}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ParamsError(f"{where}: unknown key(s) {', '.join(unknown)}; expected some of {', '.join(sorted(known))}")
    values = {}
    for name, spec in known.items():
        if name in data:
            values[name] = _convert(hints[name], data[name], f"{where}.{name}")
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise ParamsError(f"{where}: missing required key '{name}'")
    return cls(**values)


def to_dict(obj: Any) -> Any:
    """Inverse of ``from_dict`` (for recording the params an artifact was made with)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def _convert(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for option in args:
            if option is type(None):
                continue
            try:
                return _convert(option, value, where)
            except ParamsError as error:
                errors.append(str(error))
        raise ParamsError(errors[0] if len(errors) == 1 else f"{where}: {value!r} matches none of {hint}")
    if origin is Literal:
        if value not in args:
            raise ParamsError(f"{where}: {value!r} is not one of {', '.join(map(repr, args))}")
        return value
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ParamsError(f"{where}: expected a list, got {type(value).__name__}")
        item_hint = args[0] if args else Any
        items = [_convert(item_hint, v, f"{where}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise ParamsError(f"{where}: expected a mapping, got {type(value).__name__}")
        key_hint, value_hint = args if args else (Any, Any)
        return {_convert(key_hint, k, f"{where}"): _convert(value_hint, v, f"{where}.{k}") for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return from_dict(hint, value, where)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParamsError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamsError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ParamsError(f"{where}: expected true/false, got {value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ParamsError(f"{where}: expected a string, got {value!r}")
        return value
    raise ParamsError(f"{where}: unsupported type {hint!r}")
