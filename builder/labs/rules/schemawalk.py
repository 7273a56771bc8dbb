"""Walk a document along the bundled schema, to the fields that hold enums or quantities.

The strict JSON schemas know each field's type but not its allowed values: they carry no
`enum`, and quantities are "a string or a number". The definitions still tell where such fields
are, so rather than hand-list every place a `Quantity` can appear (resources, PVC requests,
`emptyDir.sizeLimit`, HPA targets, ...), the walk follows `$ref`s from the document's kind and
visits only branches that can lead to one. The plan is compiled once per Kubernetes release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from builder.labs.rules.context import Key, Path

QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_REF_PREFIX = "#/$defs/"
# (definition, property, property schema) -> the values the API server accepts, if it checks them
EnumSource = Callable[[str, str, Mapping[str, Any]], "tuple[str, ...] | None"]


@dataclass(frozen=True, slots=True)
class Slot:
    """What a property holds: a leaf worth checking, and/or a definition to descend into."""

    name: str                 # "Definition.property", the key of enum tables
    shape: str                # "value", "list" or "map"
    child: str | None         # the definition of the value, items or map values
    quantity: bool = False
    enum: tuple[str, ...] | None = None


@dataclass(slots=True)
class Plan:
    slots: dict[str, dict[str, Slot]]  # definition -> property -> slot (interesting ones only)
    kinds: dict[tuple[str, str], str]  # (apiVersion, kind) -> definition


def _ref(schema: Mapping[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref[len(_REF_PREFIX):] if isinstance(ref, str) and ref.startswith(_REF_PREFIX) else None


def _slot(owner: str, prop: str, schema: Mapping[str, Any],
          enums: EnumSource) -> Slot:
    shape, inner = "value", schema
    if isinstance(schema.get("items"), dict):
        shape, inner = "list", schema["items"]
    elif isinstance(schema.get("additionalProperties"), dict):
        shape, inner = "map", schema["additionalProperties"]
    target = _ref(inner)
    return Slot(f"{owner}.{prop}", shape, target if target != QUANTITY else None,
                quantity=target == QUANTITY, enum=enums(owner, prop, schema))


def compile_plan(definitions: Mapping[str, Any],
                 enums: EnumSource) -> Plan:
    every: dict[str, dict[str, Slot]] = {}
    kinds: dict[tuple[str, str], str] = {}
    for name, schema in definitions.items():
        props = schema.get("properties") if isinstance(schema, dict) else None
        if isinstance(props, dict):
            every[name] = {p: _slot(name, p, s, enums) for p, s in props.items() if isinstance(s, dict)}
        tags = schema.get("x-kubernetes-group-version-kind", []) if isinstance(schema, dict) else []
        if len(tags) == 1:
            tag = tags[0]
            api_version = f"{tag['group']}/{tag['version']}" if tag["group"] else tag["version"]
            kinds[(api_version, tag["kind"])] = name
    useful = {n for n, slots in every.items() if any(s.quantity or s.enum for s in slots.values())}
    changed = True
    while changed:  # a definition is useful when it leads to a useful one
        changed = False
        for name, slots in every.items():
            if name not in useful and any(s.child in useful for s in slots.values()):
                useful.add(name)
                changed = True
    pruned = {n: {p: s for p, s in slots.items() if s.quantity or s.enum or s.child in useful}
              for n, slots in every.items() if n in useful}
    return Plan(pruned, kinds)


_PLANS: dict[int, tuple[Mapping[str, Any], Plan]] = {}


def plan_for(definitions: Mapping[str, Any], enums: EnumSource) -> Plan:
    """The plan of one release's definitions, compiled on first use (they are loaded once too)."""
    cached = _PLANS.get(id(definitions))
    if cached is None or cached[0] is not definitions:
        cached = (definitions, compile_plan(definitions, enums))
        _PLANS[id(definitions)] = cached
    return cached[1]


def leaves(doc: Mapping[str, Any], plan: Plan) -> Iterator[tuple[Path, Any, Slot]]:
    """Every enum or quantity field present in the document, with its path, in document order."""
    root = plan.kinds.get((str(doc.get("apiVersion")), str(doc.get("kind"))))
    if root is not None:
        yield from _visit((), doc, root, plan)


def _visit(path: Path, node: Any, definition: str, plan: Plan) -> Iterator[tuple[Path, Any, Slot]]:
    slots = plan.slots.get(definition)
    if not slots or not isinstance(node, dict):
        return
    for prop, value in node.items():
        slot = slots.get(prop)
        if slot is None or value is None:
            continue
        here = (*path, prop)
        if slot.shape == "list" and isinstance(value, list):
            entries: list[tuple[Path, Any]] = [((*here, i), v) for i, v in enumerate(value)]
        elif slot.shape == "map" and isinstance(value, dict):
            entries = [((*here, Key(str(k))), v) for k, v in value.items()]
        elif slot.shape == "value":
            entries = [(here, value)]
        else:
            continue
        for at, entry in entries:
            if slot.quantity or slot.enum:
                yield at, entry, slot
            if slot.child is not None:
                yield from _visit(at, entry, slot.child, plan)
