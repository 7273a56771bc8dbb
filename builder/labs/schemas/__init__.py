"""Kubernetes manifests checked offline against the schemas of one release and the course's CRDs.

removals   API versions Kubernetes stopped serving, and what replaces them (data)
bundle     the schema bundles of kubernetes-validate on disk (the only part that reads files)
wording    jsonschema errors as one-line problems
crds       CRD OpenAPI schemas as strict JSON schemas
fragments  where a fragment of YAML shown on a slide may belong
validate   `Schemas`: whole documents, custom resources and fragments
"""

from builder.labs.schemas.bundle import available_versions
from builder.labs.schemas.removals import REMOVALS, Removal
from builder.labs.schemas.validate import Schemas
from builder.labs.schemas.wording import MAX_PROBLEMS, Problem, format_path

__all__ = ["MAX_PROBLEMS", "REMOVALS", "Problem", "Removal", "Schemas", "available_versions", "format_path"]
