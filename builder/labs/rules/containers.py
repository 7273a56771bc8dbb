"""Containers, volumes and mounts of a pod spec, and the restart policy each controller allows.

Mirrors pkg/apis/core/validation/validation.go: `validateContainers` and `validateInitContainers`
(names are DNS-1123 labels, unique across init, regular and ephemeral containers),
`validateContainersOnlyForPod` (a bare Pod's containers need an image, without surrounding
spaces; templates may leave it to higher-level tools), `ValidateVolumes` (unique DNS-1123
label names, at most one volume source: none is an emptyDir, by `SetDefaults_Volume`),
`ValidateVolumeMounts` (a mount names a volume, a mount path is used once per container,
`subPath` stays inside the volume:
`validateLocalDescendingPath`), `validateEnv` / `validateEnvVarValueFrom` / `validateEnvFrom`
(names: `IsEnvVarName`, or `IsRelaxedEnvVarName` from 1.32 when the
RelaxedEnvironmentVariableValidation gate is on by default), and `validateRestartPolicy`.
Controllers then narrow the restart policy: `Always` only for Deployments, ReplicaSets,
DaemonSets, StatefulSets and ReplicationControllers (`ValidatePodTemplateSpecForReplicaSet`,
`ValidateDaemonSetSpec`, `ValidateStatefulSetSpec`), `OnFailure` or `Never` for Jobs and
CronJobs (`validateJobSpec` in pkg/apis/batch/validation, which also rejects an unset one,
since it defaults to `Always`).
"""

from __future__ import annotations

import posixpath
from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Report, items, mapping, string
from builder.labs.rules.objects import containers, get, pod_report, pod_spec
from builder.labs.rules.rule import rule

POD_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_ALWAYS_ONLY = frozenset({"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "ReplicationController"})
_JOBS = frozenset({"Job", "CronJob"})
_ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")


@rule("k8s-containers")
def container_names(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Container names are unique DNS-1123 labels; bare Pods name an image."""
    pod = pod_spec(doc)
    if pod is None:
        return
    out = pod_report(report, pod)
    seen: set[str] = set()
    for path, container, group in containers(pod.spec, pod.path):
        name = string(container.get("name"))
        if name is None:
            continue
        if name in seen:
            out.duplicate((*path, "name"), name)
        seen.add(name)
        out.each((*path, "name"), name, formats.is_dns1123_label(name))
        if pod.bare_pod and group != "ephemeralContainers":
            image = container.get("image")
            if image is None or image == "":
                out.required((*path, "image"), at=path)
            elif isinstance(image, str) and image.strip() != image:
                out.invalid((*path, "image"), image, "must not have leading or trailing whitespace")


@rule("k8s-restart-policy")
def restart_policy(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """The restart policy each controller allows (unknown values are the enums rule's)."""
    pod = pod_spec(doc)
    if pod is None:
        return
    value = pod.spec.get("restartPolicy")
    path = (*pod.path, "restartPolicy")
    at = path if "restartPolicy" in pod.spec else pod.path
    if value is not None and value not in POD_RESTART_POLICIES:
        return
    if pod.kind in _ALWAYS_ONLY and value not in (None, "Always"):
        report.not_supported(path, value, ["Always"])
    elif pod.kind in _JOBS and value in (None, "Always"):
        report.required(path, 'valid values: "OnFailure", "Never" (it defaults to "Always", which a '
                              'Job does not allow)', at=at)


@rule("k8s-volumes")
def volumes(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Volumes: unique DNS-1123 label names, one source each; mounts name a volume once per path."""
    pod = pod_spec(doc)
    if pod is None:
        return
    out = pod_report(report, pod)
    names: set[str] = set()
    for index, volume in enumerate(items(pod.spec.get("volumes"))):
        vol = mapping(volume)
        path = (*pod.path, "volumes", index)
        name = string(vol.get("name"))
        if name is not None:
            out.each((*path, "name"), name, formats.is_dns1123_label(name))
            if name in names:
                out.duplicate((*path, "name"), name)
            names.add(name)
        sources = [k for k, v in vol.items() if k != "name" and v is not None]
        if len(sources) > 1:  # none is fine: `SetDefaults_Volume` makes it an emptyDir
            out.forbidden((*path, sources[1]), "may not specify more than 1 volume type")
    if pod.kind == "StatefulSet":  # the controller adds a volume per claim template
        for claim in items(get(doc, ("spec", "volumeClaimTemplates"))):
            claim_name = string(get(claim, ("metadata", "name")))
            if claim_name:
                names.add(claim_name)
    for path, container, _group in containers(pod.spec, pod.path):
        mount_paths: set[str] = set()
        for index, mount in enumerate(items(container.get("volumeMounts"))):
            mnt = mapping(mount)
            at = (*path, "volumeMounts", index)
            name, mount_path = string(mnt.get("name")), string(mnt.get("mountPath"))
            if name is not None and name not in names:
                out.not_found((*at, "name"), name, "no volume of this pod has this name")
            if mount_path:
                if mount_path in mount_paths:
                    out.invalid((*at, "mountPath"), mount_path, "must be unique")
                mount_paths.add(mount_path)
            sub_path = string(mnt.get("subPath"))
            if sub_path:
                _descending((*at, "subPath"), sub_path, out)


def _descending(path: tuple, value: str, report: Report) -> None:
    """`validateLocalDescendingPath`: relative, and never climbing out with `..`."""
    if posixpath.isabs(value):
        report.invalid(path, value, "must be a relative path")
    if ".." in value.replace("\\", "/").split("/"):
        report.invalid(path, value, "must not contain '..'")


@rule("k8s-env")
def environment(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Environment variable names, and one source per `valueFrom` / `envFrom` entry."""
    pod = pod_spec(doc)
    if pod is None:
        return
    out = pod_report(report, pod)
    valid_name = formats.is_relaxed_env_var_name if ctx.at_least("1.32") else formats.is_env_var_name
    for path, container, _group in containers(pod.spec, pod.path):
        for index, var in enumerate(items(container.get("env"))):
            env = mapping(var)
            at = (*path, "env", index)
            name = env.get("name")
            if name == "":
                out.required((*at, "name"))
            elif isinstance(name, str):
                out.each((*at, "name"), name, valid_name(name))
            if "valueFrom" in env and env["valueFrom"] is not None:
                sources = [s for s in _ENV_SOURCES if mapping(env["valueFrom"]).get(s) is not None]
                if len(sources) > 1:
                    out.invalid((*at, "valueFrom"), "",
                                "may not have more than one field specified at a time")
                elif not sources:
                    out.invalid((*at, "valueFrom"), "", "must specify one of: `fieldRef`, "
                                "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`")
                if sources and env.get("value"):
                    out.invalid((*at, "valueFrom"), "", "may not be specified when `value` is not empty")
        for index, source in enumerate(items(container.get("envFrom"))):
            src = mapping(source)
            at = (*path, "envFrom", index)
            refs = [r for r in ("configMapRef", "secretRef") if src.get(r) is not None]
            if len(refs) > 1:
                out.invalid(at, "", "may not have more than one field specified at a time")
            elif not refs and src:
                out.invalid(at, "", "must specify one of: `configMapRef` or `secretRef`")
            prefix = string(src.get("prefix"))
            if prefix:
                out.each((*at, "prefix"), prefix, valid_name(prefix))
