"""Where a slide's fragment of YAML belongs, most common places first."""

from __future__ import annotations

FRAGMENT_LOCATIONS = (
    "io.k8s.api.core.v1.PodSpec",
    "io.k8s.api.core.v1.Container",
    "io.k8s.api.core.v1.PodTemplateSpec",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    "io.k8s.api.apps.v1.DeploymentSpec",
    "io.k8s.api.apps.v1.StatefulSetSpec",
    "io.k8s.api.apps.v1.DaemonSetSpec",
    "io.k8s.api.batch.v1.JobSpec",
    "io.k8s.api.batch.v1.CronJobSpec",
    "io.k8s.api.core.v1.ServiceSpec",
    "io.k8s.api.networking.v1.IngressSpec",
    "io.k8s.api.networking.v1.NetworkPolicySpec",
    "io.k8s.api.core.v1.Affinity",
    "io.k8s.api.core.v1.Lifecycle",
    "io.k8s.api.core.v1.Probe",
    "io.k8s.api.core.v1.VolumeMount",
    "io.k8s.api.core.v1.Volume",
    "io.k8s.api.core.v1.ResourceRequirements",
    "io.k8s.api.core.v1.SecurityContext",
    "io.k8s.api.core.v1.PodSecurityContext",
    "io.k8s.api.core.v1.EnvVar",
    "io.k8s.api.core.v1.EnvFromSource",
    "io.k8s.api.core.v1.ContainerPort",
    "io.k8s.api.core.v1.ServicePort",
    "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
    "io.k8s.api.core.v1.Toleration",
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
    "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec",
    "io.k8s.api.rbac.v1.PolicyRule",
)


def short_name(definition: str) -> str:
    return definition.rsplit(".", 1)[-1]


def _rank(definition: str) -> tuple[int, str]:
    """The common places first, then the rest by name (a stable, explainable order)."""
    try:
        return (FRAGMENT_LOCATIONS.index(definition), definition)
    except ValueError:
        return (len(FRAGMENT_LOCATIONS), definition)


def index_properties(defs: dict[str, dict]) -> dict[str, frozenset[str]]:
    """Property name -> the definitions (objects, their specs, any sub-structure) that have it."""
    index: dict[str, set[str]] = {}
    for name, schema in defs.items():
        for key in schema.get("properties", {}) or {}:
            index.setdefault(key, set()).add(name)
    return {key: frozenset(names) for key, names in index.items()}


def places(keys: set[str], index: dict[str, frozenset[str]], defs: dict[str, dict],
           prefer: set[str] = frozenset()) -> list[str]:
    """Every definition where all `keys` fit, one per distinct shape of those keys, best first.

    Two places whose schemas for these keys are the same judge the fragment the same, so only
    one of them is kept (`metadata:` alone fits hundreds of kinds, all with one ObjectMeta).
    Kinds the chapter is about (`prefer`, e.g. {"Deployment"}) come first, then common places.
    Places where a key takes anything are dropped when another place fits."""
    if not keys:
        return []
    found = set.intersection(*(set(index.get(key, ())) for key in keys))
    shapes: dict[str, str] = {}
    strict = [n for n in found if not _lax(defs[n], keys, defs)]
    order = sorted(strict or found, key=lambda n: (not _preferred(n, prefer), *_rank(n)))
    for name in order:
        properties = defs[name].get("properties", {})
        shape = repr(sorted((key, repr(properties[key])) for key in keys))
        shapes.setdefault(shape, name)
    return list(shapes.values())


def _lax(schema: dict, keys: set[str], defs: dict[str, dict]) -> bool:
    """A place where one of the keys takes anything (`StorageVersion.spec` is an empty object
    that accepts any field): it fits every fragment, so it is tried only if nothing else fits."""
    for key in keys:
        field = schema.get("properties", {}).get(key, {})
        ref = field.get("$ref", "")
        target = defs.get(ref.rsplit("/", 1)[-1], {}) if ref else field
        types = target.get("type", [])
        is_object = "object" in (types if isinstance(types, list) else [types])
        if target.get("x-kubernetes-preserve-unknown-fields") or (
                is_object and "properties" not in target and "additionalProperties" not in target):
            return True
    return False


def _preferred(definition: str, prefer: set[str]) -> bool:
    short = short_name(definition)
    return any(short == kind or short == f"{kind}Spec" for kind in prefer)
