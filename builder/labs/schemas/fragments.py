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
