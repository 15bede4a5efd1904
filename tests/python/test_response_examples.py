"""Round-trip every documented example through the client openapi-python-client generates.

Usage: test_response_examples.py [--spec SPEC] [--client DIR] [--config FILE]

For every operation, every request body and every response (each status, error statuses and
`default` included) and every named example of each media type, this script:

1. finds the generated model class for the media type's schema, named the way the generator
   names it (`openapi_python_client.parser.properties.schemas.Class.from_string` with the same
   config file the client was generated with, so `class_overrides` are honoured);
2. calls `Model.from_dict(example)`;
3. checks the parsed object against the generated type annotations, recursively: the generated
   `from_dict` of a nullable member falls back to the raw value when a nested model or an enum
   fails to parse, and captures unknown keys in `additional_properties`, so a round trip alone
   would pass a misspelt key, a wrong enum value or a malformed nested object;
4. calls `to_dict()` and checks that the result equals the example: object members compared as
   sets of keys (JSON objects are unordered), scalars compared by value *and* JSON type
   (`1`, `1.0` and `true` are three different values). No normalisation is applied;
5. for a response example, hands it to the operation's generated endpoint module as an HTTP
   response of that status, and checks that it is parsed into the same class, with the same
   `to_dict()`: the status-to-model wiring a caller of the client relies on.

The generated package (every module of it) is imported first, so a client that does not
import fails the run. The last line printed is `N passed, M failed`; the exit code is non-zero
when anything failed or when no example was found.
"""

from __future__ import annotations

import argparse
import enum
import importlib
import json
import pkgutil
import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[2]
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PACKAGE = "cbr_client"


@dataclass
class Case:
    operation_id: str
    where: str  # "request" or the response status ("200", "404", "default")
    media_type: str
    example_name: str
    schema_ref: str | None
    value: Any
    statuses: tuple[str, ...] = ()  # every response status the operation lists

    def label(self) -> str:
        return f"{self.operation_id} {self.where} {self.media_type} example {self.example_name!r}"


# --------------------------------------------------------------------------- spec walking


def load_spec(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def resolve(spec: dict, node: Any) -> Any:
    """Follow local `$ref`s (responses, request bodies, examples) to the object they name."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            raise ValueError(f"cannot resolve reference {ref!r}")
        seen.add(ref)
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def media_examples(spec: dict, media: dict) -> list[tuple[str, Any]]:
    found = []
    for name, example in (media.get("examples") or {}).items():
        example = resolve(spec, example)
        if "value" in example:
            found.append((name, example["value"]))
        # externalValue examples have nothing to check here.
    if "example" in media:
        found.append(("example", media["example"]))
    return found


def collect_cases(spec: dict) -> list[Case]:
    cases: list[Case] = []
    for path, path_item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            operation_id = operation.get("operationId") or f"{method.upper()} {path}"
            bodies: list[tuple[str, dict]] = []
            if "requestBody" in operation:
                bodies.append(("request", resolve(spec, operation["requestBody"])))
            for status, response in operation.get("responses", {}).items():
                bodies.append((str(status), resolve(spec, response)))
            statuses = tuple(str(status) for status in operation.get("responses", {}))
            for where, body in bodies:
                for media_type, media in (body.get("content") or {}).items():
                    schema = media.get("schema") or {}
                    schema_ref = schema.get("$ref")
                    for name, value in media_examples(spec, media):
                        cases.append(
                            Case(operation_id, where, media_type, name, schema_ref, value, statuses)
                        )
    return cases


# --------------------------------------------------------------------------- generated client


def import_client(client_dir: Path) -> tuple[types.ModuleType, dict[str, Any], list[str]]:
    """Import every module of the generated package.

    Returns the models module, the endpoint modules by name (`api/<tag>/<operation>.py`, named
    after the operationId) and the import failures.
    """
    sys.path.insert(0, str(client_dir))
    package = importlib.import_module(PACKAGE)
    failures = []
    endpoints: dict[str, Any] = {}
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{PACKAGE}."):
        try:
            module = importlib.import_module(info.name)
        except Exception as error:  # noqa: BLE001 - any import error is a failure
            failures.append(f"import {info.name}: {type(error).__name__}: {error}")
            continue
        if info.name.startswith(f"{PACKAGE}.api.") and hasattr(module, "_build_response"):
            endpoints[info.name.rsplit(".", 1)[-1]] = module
    return importlib.import_module(f"{PACKAGE}.models"), endpoints, failures


def class_namer(config_path: Path, spec_path: Path):
    """Return ref -> (module name, class name) exactly as the generator computes it."""
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser.properties.schemas import Class

    config = Config.from_sources(
        ConfigFile.load_from_path(config_path),
        MetaType.NONE,
        spec_path,
        "utf-8",
        overwrite=False,
        output_path=None,
    )

    def name(ref: str) -> tuple[str, str]:
        generated = Class.from_string(string=ref, config=config)
        return str(generated.module_name), str(generated.name)

    return name


# --------------------------------------------------------------------------- checks


class TypeChecker:
    """Check a parsed value against the annotations of the generated attrs classes."""

    def __init__(self, models: types.ModuleType, unset_type: type) -> None:
        self.namespace = {name: getattr(models, name) for name in dir(models)}
        self.unset_type = unset_type
        self.hints: dict[type, dict[str, Any]] = {}

    def hints_of(self, cls: type) -> dict[str, Any]:
        if cls not in self.hints:
            module = sys.modules[cls.__module__]
            namespace = {**vars(module), **self.namespace, "Unset": self.unset_type}
            self.hints[cls] = typing.get_type_hints(cls, globalns=namespace)
        return self.hints[cls]

    def check(self, value: Any, annotation: Any, path: str) -> list[str]:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin in (typing.Union, types.UnionType):
            errors_by_arm = [self.check(value, arm, path) for arm in args]
            if any(not errors for errors in errors_by_arm):
                return []
            # The arm of the value's own shape (a model, a list) says more than "matches none".
            for arm, errors in zip(args, errors_by_arm, strict=True):
                shape = typing.get_origin(arm) or arm
                if isinstance(shape, type) and not issubclass(shape, (str, int, float)):
                    if isinstance(value, shape):
                        return errors
            message = f"{path}: {_show(value)} matches none of {_type_name(annotation)}"
            # The generated parser of a nullable member keeps the raw JSON when the nested
            # model fails to parse: parse it again to say why.
            for arm in args:
                if isinstance(value, dict) and isinstance(arm, type) and attrs.has(arm):
                    try:
                        arm.from_dict(value)
                    except Exception as error:  # noqa: BLE001
                        message += f" ({arm.__name__}.from_dict: {type(error).__name__}: {error})"
            return [message]
        if annotation is Any:
            return []
        if annotation is type(None):
            return [] if value is None else [f"{path}: expected null, got {_show(value)}"]
        if annotation is self.unset_type:
            return [] if isinstance(value, self.unset_type) else [f"{path}: expected UNSET"]
        if origin is list:
            if not isinstance(value, list):
                return [f"{path}: expected a list, got {_show(value)}"]
            errors = []
            for index, item in enumerate(value):
                errors += self.check(item, args[0], f"{path}[{index}]")
            return errors
        if origin is dict:
            return (
                [] if isinstance(value, dict) else [f"{path}: expected a dict, got {_show(value)}"]
            )
        if origin is typing.Literal:
            return [] if value in args else [f"{path}: {_show(value)} not one of {args}"]
        if annotation is bool:
            return [] if type(value) is bool else [f"{path}: expected boolean, got {_show(value)}"]
        if annotation is int:
            return [] if type(value) is int else [f"{path}: expected integer, got {_show(value)}"]
        if annotation is float:
            ok = type(value) in (int, float)
            return [] if ok else [f"{path}: expected number, got {_show(value)}"]
        if annotation is str:
            return [] if type(value) is str else [f"{path}: expected string, got {_show(value)}"]
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            if isinstance(value, annotation):
                return []
            return [f"{path}: {_show(value)} is not a member of enum {annotation.__name__}"]
        if isinstance(annotation, type) and attrs.has(annotation):
            if not isinstance(value, annotation):
                return [f"{path}: expected {annotation.__name__}, got {_show(value)}"]
            return self.check_model(value, path)
        return [f"{path}: no check for annotation {annotation!r}"]

    def check_model(self, model: Any, path: str) -> list[str]:
        errors = []
        hints = self.hints_of(type(model))
        for field in attrs.fields(type(model)):
            if field.name == "additional_properties":
                continue
            errors += self.check(
                getattr(model, field.name), hints[field.name], f"{path}.{field.name}"
            )
        extra = getattr(model, "additional_properties", {})
        if extra:
            errors.append(f"{path}: members not in schema {type(model).__name__}: {sorted(extra)}")
        return errors


def _type_name(annotation: Any) -> str:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " | ".join(_type_name(arm) for arm in args)
    if args:
        return f"{typing.get_origin(annotation).__name__}[{', '.join(map(_type_name, args))}]"
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", repr(annotation))


def _show(value: Any) -> str:
    text = json.dumps(value) if _is_json(value) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def json_diff(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Differences between two JSON values; scalars compared by value and JSON type."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        diffs = []
        for key in expected.keys() - actual.keys():
            diffs.append(f"{path}.{key}: missing after round trip")
        for key in actual.keys() - expected.keys():
            diffs.append(f"{path}.{key}: added by round trip ({_show(actual[key])})")
        for key in expected.keys() & actual.keys():
            diffs += json_diff(expected[key], actual[key], f"{path}.{key}")
        return diffs
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items became {len(actual)}"]
        diffs = []
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            diffs += json_diff(e, a, f"{path}[{index}]")
        return diffs
    if type(expected) is not type(actual) or expected != actual:
        return [f"{path}: {_show(expected)} became {_show(actual)}"]
    return []


# --------------------------------------------------------------------------- main


def endpoint_check(case: Case, endpoints: dict[str, Any], model_class: type) -> list[str]:
    """The generated endpoint must parse this status into the same model class.

    Uses the endpoint module's `_build_response`, which its public `sync_detailed` and
    `asyncio_detailed` call on every HTTP response; a `default` example is sent with a status
    the operation does not list.
    """
    import httpx
    from cbr_client import Client  # type: ignore[import-not-found]

    module = endpoints.get(case.operation_id)
    if module is None:
        return [f"no generated endpoint module named {case.operation_id}"]
    if case.where == "default":
        status = next(s for s in (500, 502, 503, 504, 418) if str(s) not in case.statuses)
    else:
        status = int(case.where)
    client = Client(base_url="http://cbr.invalid", raise_on_unexpected_status=True)
    try:
        response = module._build_response(
            client=client, response=httpx.Response(status, json=case.value)
        )
    except Exception as error:  # noqa: BLE001
        return [f"{module.__name__}: status {status} raised {type(error).__name__}: {error}"]
    if type(response.parsed) is not model_class:
        return [
            f"{module.__name__}: status {status} parsed as "
            f"{type(response.parsed).__name__}, not {model_class.__name__}"
        ]
    return json_diff(case.value, response.parsed.to_dict(), f"{case.operation_id}[{status}]")


def run_case(case: Case, namer, endpoints, checker: TypeChecker) -> list[str]:
    if case.schema_ref is None or not case.schema_ref.startswith("#/components/schemas/"):
        return [f"media type schema is not a $ref to a component schema ({case.schema_ref!r})"]
    module_name, class_name = namer(case.schema_ref)
    try:
        module = importlib.import_module(f"{PACKAGE}.models.{module_name}")
        model_class = getattr(module, class_name)
    except (ImportError, AttributeError) as error:
        return [f"no generated class {class_name} in models/{module_name}.py: {error}"]
    original = json.loads(json.dumps(case.value))  # from_dict must not be able to alter it
    try:
        model = model_class.from_dict(json.loads(json.dumps(case.value)))
    except Exception as error:  # noqa: BLE001
        return [f"{class_name}.from_dict raised {type(error).__name__}: {error}"]
    errors = checker.check(model, model_class, class_name)
    try:
        round_tripped = model.to_dict()
    except Exception as error:  # noqa: BLE001
        return errors + [f"{class_name}.to_dict raised {type(error).__name__}: {error}"]
    if not _is_json(round_tripped):
        return errors + [f"{class_name}.to_dict returned a non-JSON value"]
    errors += json_diff(original, round_tripped, class_name)
    if case.where != "request":
        errors += endpoint_check(case, endpoints, model_class)
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "spec/cbr.yaml")
    parser.add_argument("--client", type=Path, default=ROOT / "target/python-client")
    parser.add_argument(
        "--config", type=Path, default=ROOT / "tests/python/openapi-python-client.yaml"
    )
    parser.add_argument("--verbose", action="store_true", help="print every passing example")
    options = parser.parse_args()

    spec = load_spec(options.spec)
    models, endpoints, import_failures = import_client(options.client)
    from cbr_client.types import Unset  # type: ignore[import-not-found]

    checker = TypeChecker(models, Unset)
    namer = class_namer(options.config, options.spec)
    cases = collect_cases(spec)

    failures: list[str] = [f"generated client: {failure}" for failure in import_failures]
    passed = 0
    for case in cases:
        problems = run_case(case, namer, endpoints, checker)
        if problems:
            failures.append(f"FAIL {case.label()}: " + "; ".join(problems))
        else:
            passed += 1
            if options.verbose:
                print(f"ok   {case.label()}")

    requests = sum(case.where == "request" for case in cases)
    print(
        f"{len(cases)} examples ({requests} request, {len(cases) - requests} response) "
        f"in {len({case.operation_id for case in cases})} operations"
    )
    for failure in failures:
        print(failure)
    if not cases:
        failures.append("no examples found")
        print("FAIL no examples found in the spec")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
