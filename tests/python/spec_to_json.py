"""Convert spec/cbr.yaml to JSON, refusing YAML that parsers could read differently.

Usage: spec_to_json.py SPEC.yaml OUT.json

Generators in other languages read the YAML with their own parsers, some YAML 1.1 (PyYAML,
SnakeYAML), some YAML 1.2 (ruamel, js-yaml 4). The conversion fails, naming the line, on:

- a duplicate mapping key (PyYAML silently keeps the last one, other parsers reject the file);
- a plain (unquoted) scalar that YAML 1.1 reads as something other than YAML 1.2 would:
  booleans other than true/false (`yes`, `on`, `off`, ...), timestamps (`2020-02-23T01:00:32Z`
  becomes a datetime, not a string), sexagesimal or underscored numbers (`1:20`, `1_000`), and
  octal-looking integers (`010`);
- any value that has no JSON form.

With none of these, every conforming parser sees the same JSON document.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_PLAIN_BOOLS = {"true", "false", "True", "False", "TRUE", "FALSE"}
_OCTAL_LIKE = re.compile(r"^[-+]?0[0-9_]+$")


class PortableLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    problems: list[str]


def _where(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def _mapping(loader: PortableLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    seen: dict[object, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            loader.problems.append(
                f"{_where(key_node)}: duplicate key {key!r} (first at {_where(seen[key])})"
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=True)


def _bool(loader: PortableLoader, node: yaml.ScalarNode) -> bool:
    if node.value not in _PLAIN_BOOLS:
        loader.problems.append(
            f"{_where(node)}: plain scalar {node.value!r} is a boolean in YAML 1.1 "
            "and a string in YAML 1.2; quote it or write true/false"
        )
    return loader.construct_yaml_bool(node)


def _timestamp(loader: PortableLoader, node: yaml.ScalarNode) -> str:
    loader.problems.append(
        f"{_where(node)}: plain scalar {node.value!r} is a timestamp in YAML 1.1 "
        "and a string in YAML 1.2; quote it"
    )
    return node.value


def _int(loader: PortableLoader, node: yaml.ScalarNode) -> int:
    text = node.value
    if (
        ":" in text
        or "_" in text
        or _OCTAL_LIKE.match(text)
        or text.lower().lstrip("+-").startswith("0b")
    ):
        loader.problems.append(
            f"{_where(node)}: plain scalar {text!r} is read differently by YAML 1.1 and 1.2; "
            "quote it or write it in decimal without a leading zero"
        )
    return loader.construct_yaml_int(node)


def _float(loader: PortableLoader, node: yaml.ScalarNode) -> float:
    if ":" in node.value or "_" in node.value:
        loader.problems.append(
            f"{_where(node)}: plain scalar {node.value!r} is a float only in YAML 1.1; quote it"
        )
    return loader.construct_yaml_float(node)


PortableLoader.add_constructor("tag:yaml.org,2002:map", _mapping)
PortableLoader.add_constructor("tag:yaml.org,2002:bool", _bool)
PortableLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
PortableLoader.add_constructor("tag:yaml.org,2002:int", _int)
PortableLoader.add_constructor("tag:yaml.org,2002:float", _float)


def load_portable(path: Path) -> tuple[object, list[str]]:
    with path.open("rb") as stream:
        loader = PortableLoader(stream)
        loader.problems = []
        try:
            document = loader.get_single_data()
        finally:
            loader.dispose()
    return document, loader.problems


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, target = Path(argv[1]), Path(argv[2])
    document, problems = load_portable(source)
    for problem in problems:
        print(f"{source}: {problem}", file=sys.stderr)
    if problems:
        print(f"{source}: {len(problems)} portability problem(s); no JSON written", file=sys.stderr)
        return 1
    try:
        text = json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    except (TypeError, ValueError) as error:
        print(f"{source}: not representable as JSON: {error}", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
