"""Offline checks of Kubernetes manifests: one release's schemas plus the CRDs the course defines.

Unlike `kubernetes_validate.validate()`, which reloads the schemas for every document, the bundle is
loaded once and its validators are compiled once per kind, so a warm check costs well under a
millisecond a document."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from typing import Any

import jsonschema

from builder.labs.schemas.bundle import (
    available_versions,
    bundle_for,
    is_builtin_group,
    normalise_version,
    releases_serving,
)
from builder.labs.schemas.crds import CRD_API, crd_root_schema, served_crd_versions
from builder.labs.schemas.fragments import FRAGMENT_LOCATIONS, places, short_name
from builder.labs.schemas.removals import (
    LAST_REMOVAL,
    REMOVED_BY_KIND,
    Removal,
    api_version_rank,
    newest_first,
    version_key,
)
from builder.labs.schemas.wording import (
    MAX_PROBLEMS,
    Problem,
    check_instance,
    closest,
    describe,
    format_path,
    shorten,
    suggestion,
    type_message,
)

DISTINCTIVE = 10  # a field of at most this many definitions tells where a fragment belongs


class Schemas:
    """Validates manifests against one Kubernetes release, plus the CRDs the course defines."""

    def __init__(self, version: str | None = None) -> None:
        self.version = normalise_version(version)
        self._bundle = bundle_for(self.version)
        self._crds: dict[tuple[str, str, str], Any] = {}
        self._crd_schemas: dict[tuple[str, str, str], str] = {}
        self._ambiguous: set[tuple[str, str, str]] = set()  # several different CRDs define it
        self._known: dict[tuple[str, bool], tuple[Problem, ...]] = {}  # built-in kinds, by text

    @property
    def definitions(self) -> dict[str, Any]:
        """The release's schema definitions (read-only), for checks that need more than validation."""
        return self._bundle.defs

    # -- custom resources ---------------------------------------------------------------------------

    def crd_validators(self, docs: Iterable[object]) -> dict[tuple[str, str, str], Any]:
        """(group, version, kind) -> validator, for each served version of the CRDs among `docs`."""
        found: dict[tuple[str, str, str], Any] = {}
        for doc in docs:
            if isinstance(doc, dict) and doc.get("apiVersion") == CRD_API \
                    and doc.get("kind") == "CustomResourceDefinition":
                for group, version, kind, openapi in served_crd_versions(doc):
                    schema = crd_root_schema(openapi, self._bundle)
                    found[group, version, kind] = self._bundle.validator_class(
                        schema, registry=self._bundle.registry)
        return found

    def add_crds(self, docs: Iterable[object]) -> list[str]:
        """Register the repository's CRDs among `docs`; returns the "group/version Kind" of each
        served version. Two different CRDs for one kind make it ambiguous: a custom resource of
        that kind is then checked only against the CRD its chapter applies."""
        added = []
        for key, validator in self.crd_validators(docs).items():
            fingerprint = json.dumps(validator.schema, sort_keys=True, default=str)
            if key in self._crds and self._crd_schemas.get(key) != fingerprint:
                self._ambiguous.add(key)
            self._crds[key] = validator
            self._crd_schemas[key] = fingerprint
            added.append(f"{key[0]}/{key[1]} {key[2]}")
        return added

    # -- whole objects ------------------------------------------------------------------------------

    def validate(self, doc: object, crds: dict[tuple[str, str, str], Any] | None = None,
                 partial: bool = False) -> list[Problem]:
        """Problems of one manifest document; an empty list means the API server would accept its shape.

        `crds`: validators of the CRDs applied so far where the document is used (its chapter);
        they take precedence over the repository's. `partial`: the document is shown elided, so
        a missing field is no problem."""
        if not isinstance(doc, dict):
            message = f"expected a Kubernetes object (a mapping), got {describe(doc)}"
            return [Problem("not-an-object", "", message)]
        missing = [f for f in ("apiVersion", "kind") if not isinstance(doc.get(f), str) or not doc.get(f)]
        if missing:
            return [Problem("not-an-object", "", f"no {' or '.join(missing)}: not a Kubernetes object")]
        if doc["apiVersion"] == "v1" and doc["kind"] == "List":
            return self._validate_list(doc, crds)
        memo = self._memo_key(doc, crds, partial)
        if memo is not None and memo in self._known:
            return list(self._known[memo])
        problems = self._validate_object(doc, crds, partial)[:MAX_PROBLEMS]
        if memo is not None:
            self._known[memo] = tuple(problems)
        return problems

    def _memo_key(self, doc: dict[str, Any], crds: dict | None, partial: bool) -> tuple[str, bool] | None:
        """Courses show and apply the same objects many times: a document of a built-in kind is
        validated once per text. Custom resources depend on the CRDs applied so far: never kept."""
        group, _, version = doc["apiVersion"].rpartition("/")
        key = (group, version, doc["kind"])
        if key in (crds or {}) or key in self._crds or key in self._ambiguous:
            return None
        try:
            return json.dumps(doc, sort_keys=True, default=str), partial
        except (TypeError, ValueError):  # keys of mixed types, a structure too deep
            return None

    def _validate_list(self, doc: dict[str, Any], crds: dict | None) -> list[Problem]:
        """`kind: List` is kubectl's, not the API server's: check each item as its own object."""
        items = doc.get("items")
        if not isinstance(items, list):
            return [Problem("invalid", "items", type_message(["a list"], items))]
        problems = []
        for index, item in enumerate(items):
            for problem in self.validate(item, crds):
                path = format_path(("items", index)) + (f".{problem.path}" if problem.path else "")
                problems.append(Problem(problem.kind, path, problem.message))
        return problems[:MAX_PROBLEMS]

    def _validate_object(self, doc: dict[str, Any], crds: dict | None, partial: bool = False
                         ) -> list[Problem]:
        api_version, kind = doc["apiVersion"], doc["kind"]
        group, _, version = api_version.rpartition("/")
        key = (group, version, kind)
        crd = (crds or {}).get(key)
        if crd is None and key in self._ambiguous:
            message = (f"custom resource {api_version} {kind}: several CRDs of the repository define it "
                       "and none is applied before it; not checked")
            return [Problem("unchecked", "", message)]
        crd = crd or self._crds.get(key)
        if crd is not None:
            return self._check_custom(crd, doc, api_version, kind)
        removal = REMOVED_BY_KIND.get((api_version, kind))
        if removal is not None and self._at_least(removal.removed_in):
            return [self._removal_problem(removal, kind)]
        definition = self._bundle.kinds.get((group, version), {}).get(kind)
        if definition is None:
            return [self._unresolved(group, version, kind)]
        problems = check_instance(self._bundle.object_validator(definition), doc, partial)
        return [self._removal_problem(removal, kind), *problems] if removal else problems

    def _check_custom(self, validator: Any, doc: dict[str, Any], api_version: str,
                      kind: str) -> list[Problem]:
        try:
            return check_instance(validator, doc)
        except jsonschema.exceptions.UnknownType as error:
            message = f"the CRD schema for {api_version} {kind} cannot be used: unknown type {error.type!r}"
            return [Problem("invalid", "", message)]
        except jsonschema.exceptions.SchemaError as error:
            message = f"the CRD schema for {api_version} {kind} cannot be used: {shorten(error.message, 100)}"
            return [Problem("invalid", "", message)]

    def _at_least(self, release: str) -> bool:
        return version_key(self.version) >= version_key(release)

    def _replacement(self, candidates: Iterable[str], kind: str) -> str | None:
        """The first candidate apiVersion that this release serves for `kind`, else the first one."""
        candidates = list(candidates)
        for api_version in candidates:
            group, _, version = api_version.rpartition("/")
            if kind in self._bundle.kinds.get((group, version), {}):
                return api_version
        return candidates[0] if candidates else None

    def _removal_problem(self, removal: Removal, kind: str) -> Problem:
        use = self._replacement(removal.use, kind)
        advice = f"use {use}" if use else removal.note
        what = f"{removal.api_version} {kind}"
        if self._at_least(removal.removed_in):
            return Problem("removed-api", "apiVersion",
                           f"{what} was removed in Kubernetes {removal.removed_in}: {advice}")
        return Problem("deprecated-api", "apiVersion",
                       f"{what} is deprecated and no longer served from Kubernetes {removal.removed_in}"
                       f" (target {self.version}): {advice}")

    def _unresolved(self, group: str, version: str, kind: str) -> Problem:
        """Why there is no schema: a custom resource, an API version gone or not there yet, or a typo."""
        api_version = f"{group}/{version}" if group else version
        if not is_builtin_group(group, self._bundle):
            return self._unknown_custom(group, api_version, kind)
        served = self._bundle.kinds.get((group, version))
        if served is None:
            return self._unserved_version(group, version, kind)
        elsewhere = self._served_as(kind)
        hint = f": use {elsewhere}" if elsewhere else suggestion(kind, served)
        return Problem("unknown-kind", "kind", f'no kind "{kind}" in {api_version}{hint}')

    def _unknown_custom(self, group: str, api_version: str, kind: str) -> Problem:
        known = {k for (g, _, k) in self._crds if g == group}
        close = closest(kind, known)
        if close and close != kind:
            return Problem("unknown-kind", "kind", f'no kind "{kind}" among the CRDs of {group} '
                                                   f'(did you mean "{close}"?)')
        if kind in known:
            versions = sorted(v for (g, v, k) in self._crds if g == group and k == kind)
            return Problem("unknown-kind", "apiVersion",
                           f"the CRD of {group} {kind} serves {', '.join(versions)}, not {api_version}")
        return Problem("unchecked", "", f"custom resource {api_version} {kind}: no CRD in this repository, "
                                        "not checked")

    def _unserved_version(self, group: str, version: str, kind: str) -> Problem:
        """A built-in group without this version: use older and newer bundles to say what happened."""
        api_version = f"{group}/{version}" if group else version
        target = version_key(self.version)
        releases = releases_serving(group, version, kind)
        older = [r for r in releases if version_key(r) < target]
        alternatives = newest_first(v for (g, v), kinds in self._bundle.kinds.items()
                                     if g == group and kind in kinds)
        use = f"{group}/{alternatives[0]}" if group and alternatives else (alternatives or [None])[0]
        advice = f": use {use}" if use else ""
        if older:
            removed_in = available_versions()[available_versions().index(older[-1]) + 1]
            return Problem("removed-api", "apiVersion",
                           f"{api_version} {kind} was removed in Kubernetes {removed_in}{advice}")
        if releases:
            return Problem("unknown-kind", "apiVersion",
                           f"{api_version} {kind} is not served before Kubernetes {releases[0]} "
                           f"(target {self.version}){advice}")
        if use:
            return Problem("unknown-kind", "apiVersion", f"no API version {api_version} for {kind}{advice}")
        return self._unknown_api_version(group, api_version, kind)

    def _unknown_api_version(self, group: str, api_version: str, kind: str) -> Problem:
        """No bundle ever served this kind here: a gone API version, a kind in the wrong group, or a typo."""
        elsewhere = self._served_as(kind)
        if api_version in LAST_REMOVAL and self._at_least(LAST_REMOVAL[api_version]):
            advice = f": {kind} is served as {elsewhere}" if elsewhere else ""
            return Problem("removed-api", "apiVersion", f"{api_version} was removed in Kubernetes "
                                                        f"{LAST_REMOVAL[api_version]}{advice}")
        if elsewhere:
            return Problem("unknown-kind", "apiVersion", f"no {kind} in {api_version}: use {elsewhere}")
        versions = newest_first({v for g, v in self._bundle.kinds if g == group})
        if not versions:
            return Problem("unknown-kind", "apiVersion", f"no API group {group} in Kubernetes {self.version}")
        name = group or "the core group"
        return Problem("unknown-kind", "apiVersion", f"no API version {api_version} in Kubernetes "
                                                     f"{self.version} ({name} serves {', '.join(versions)})")

    def _served_as(self, kind: str) -> str | None:
        """The apiVersion this release serves `kind` in, stable versions and the core group first."""
        found = [(g, v) for (g, v), kinds in self._bundle.kinds.items() if kind in kinds]
        if not found:
            return None
        group, version = max(found, key=lambda gv: (api_version_rank(gv[1]), gv[0] == ""))
        return f"{group}/{version}" if group else version

    # -- fragments ----------------------------------------------------------------------------------

    def validate_fragment(self, data: dict, hint: str | None = None,
                          prefer: Iterable[str] = ()) -> tuple[str | None, list[Problem]]:
        """Validate YAML shown on a slide at the place of an object where it fits.

        Every definition where all the fragment's top-level keys are fields is a candidate
        (the top level and the spec of every kind, and their parts); the one with the fewest
        problems wins, kinds in `prefer` (what the chapter is about) first. A fragment shows
        some fields, so a missing required field is never a problem. When no place fits,
        (None, []): nothing is said. `hint` (e.g. "PodSpec") forces the place."""
        if not isinstance(data, dict):
            return None, []
        if hint is not None:
            definition = self._definition_for_hint(hint)
            return short_name(definition), self._check_fragment(definition, data)
        keys = {str(k) for k in data}
        candidates = places(keys, self._bundle.property_index, self._bundle.defs, set(prefer))
        if not candidates:
            candidates = self._near_places(keys, set(prefer))
        best: tuple[str, list[Problem]] | None = None
        for definition in candidates:
            problems = self._check_fragment(definition, data)
            if best is None or len(problems) < len(best[1]):
                best = (definition, problems)
            if not problems:
                break
        if best is None:
            return None, []
        return short_name(best[0]), best[1]

    def _near_places(self, keys: set[str], prefer: set[str]) -> list[str]:
        """Places where all keys but one fit, that one a near miss of a field there (a typo), and
        at least two of the fitting keys say where the fragment is (`containers`, not `name`)."""
        index = self._bundle.property_index
        found = []
        for odd in sorted(keys):
            rest = keys - {odd}
            if sum(len(index.get(key, ())) <= DISTINCTIVE for key in rest) < 2:
                continue
            for definition in places(rest, index, self._bundle.defs, prefer):
                near = closest(odd, self._bundle.defs[definition].get("properties", {}))
                if near and difflib.SequenceMatcher(None, odd, near).ratio() >= 0.8:
                    found.append(definition)
        return found

    def _definition_for_hint(self, hint: str) -> str:
        if hint in self._bundle.defs:
            return hint
        for name in (*FRAGMENT_LOCATIONS, *self._bundle.defs):
            if short_name(name) == hint and name in self._bundle.defs:
                return name
        raise ValueError(f"no Kubernetes type {hint!r} in the schemas of Kubernetes {self.version}")

    def _check_fragment(self, definition: str, data: dict) -> list[Problem]:
        return check_instance(self._bundle.fragment_validator(definition), data, partial=True)

