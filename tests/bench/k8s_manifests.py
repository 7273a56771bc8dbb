"""The k8s/ folder of the realistic benchmark course: manifests of the kinds real labs apply
(Deployments with Services, StatefulSets, DaemonSets, Jobs, CronJobs, Ingresses, RBAC,
NetworkPolicies, autoscalers, ...), some with several documents, and a folder applied whole
(`kubectl apply -f ~/container.training/k8s/dockercoins/`). All valid for the schemas that
`labs check` uses, so its time is the time of a clean course.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

APPS = ("web", "redis", "hasher", "rng", "worker", "webui", "consul", "postgres", "blue", "green",
        "api", "frontend", "cache", "queue", "metrics", "shop", "auth", "search", "billing", "mail")


@dataclass(frozen=True, slots=True)
class Manifest:
    path: str  # relative to the repository, e.g. k8s/web-003.yaml
    app: str  # the name its main object carries
    kind: str  # Deployment, StatefulSet, ... (the first document's kind)


def _labels(app: str, indent: int) -> str:
    pad = " " * indent
    return f"{pad}app: {app}\n{pad}tier: {'backend' if len(app) % 2 else 'frontend'}\n"


def _container(app: str, image: str, port: int, indent: int) -> str:
    pad = " " * indent
    return (f"{pad}- name: {app}\n{pad}  image: {image}\n{pad}  ports:\n"
            f"{pad}  - containerPort: {port}\n{pad}  resources:\n{pad}    requests:\n"
            f"{pad}      cpu: 100m\n{pad}      memory: 64Mi\n{pad}    limits:\n"
            f"{pad}      memory: 256Mi\n{pad}  readinessProbe:\n{pad}    tcpSocket:\n"
            f"{pad}      port: {port}\n{pad}    periodSeconds: 5\n")


def deployment(app: str, rng: random.Random) -> str:
    port = rng.choice((80, 8080, 5000, 6379))
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\n  labels:\n"
            f"{_labels(app, 4)}spec:\n  replicas: {rng.randint(1, 5)}\n  selector:\n"
            f"    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n"
            f"{_labels(app, 8)}    spec:\n      containers:\n"
            f"{_container(app, rng.choice(('nginx:1.27', 'redis:7', 'dockercoins/hasher:v0.1')), port, 6)}"
            f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\nspec:\n"
            f"  type: {rng.choice(('ClusterIP', 'NodePort'))}\n  selector:\n    app: {app}\n"
            f"  ports:\n  - port: {port}\n    targetPort: {port}\n")


def statefulset(app: str, rng: random.Random) -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\nspec:\n  clusterIP: None\n"
            f"  selector:\n    app: {app}\n  ports:\n  - port: 8500\n---\n"
            f"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {app}\nspec:\n"
            f"  serviceName: {app}\n  replicas: 3\n  selector:\n    matchLabels:\n"
            f"      app: {app}\n  template:\n    metadata:\n      labels:\n{_labels(app, 8)}"
            f"    spec:\n      terminationGracePeriodSeconds: 10\n      containers:\n"
            f"{_container(app, 'consul:1.15', 8500, 6)}"
            f"        volumeMounts:\n        - name: data\n          mountPath: /consul/data\n"
            f"  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n"
            f"      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n"
            f"          storage: {rng.choice((1, 2, 5))}Gi\n")


def daemonset(app: str, rng: random.Random) -> str:
    return (f"apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {app}\n"
            f"  namespace: kube-system\nspec:\n  selector:\n    matchLabels:\n      app: {app}\n"
            f"  template:\n    metadata:\n      labels:\n{_labels(app, 8)}    spec:\n"
            f"      tolerations:\n      - key: node-role.kubernetes.io/control-plane\n"
            f"        effect: NoSchedule\n      containers:\n"
            f"{_container(app, 'fluent/fluentd:v1.16', 24224, 6)}")


def job(app: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return (f"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {app}\nspec:\n"
                f"  backoffLimit: 2\n  template:\n    spec:\n      restartPolicy: Never\n"
                f"      containers:\n      - name: {app}\n        image: alpine:3.20\n"
                f"        command: [sh, -c, 'echo hello; sleep {rng.randint(1, 30)}']\n")
    return (f"apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {app}\nspec:\n"
            f"  schedule: '*/{rng.randint(2, 30)} * * * *'\n  jobTemplate:\n    spec:\n"
            f"      template:\n        spec:\n          restartPolicy: OnFailure\n"
            f"          containers:\n          - name: {app}\n            image: alpine:3.20\n"
            f"            command: [date]\n")


def ingress(app: str, rng: random.Random) -> str:
    return (f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {app}\n"
            f"  annotations:\n    nginx.ingress.kubernetes.io/rewrite-target: /\nspec:\n"
            f"  ingressClassName: nginx\n  rules:\n  - host: {app}.example.com\n    http:\n"
            f"      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n"
            f"          service:\n            name: {app}\n            port:\n"
            f"              number: 80\n")


def rbac(app: str, rng: random.Random) -> str:
    return (f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {app}\n---\n"
            f"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {app}\n"
            f"rules:\n- apiGroups: ['']\n  resources: [pods, services]\n"
            f"  verbs: [get, list, watch]\n---\n"
            f"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n"
            f"  name: {app}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n"
            f"  name: {app}\nsubjects:\n- kind: ServiceAccount\n  name: {app}\n"
            f"  namespace: default\n")


def netpol(app: str, rng: random.Random) -> str:
    return (f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {app}\n"
            f"spec:\n  podSelector:\n    matchLabels:\n      app: {app}\n  policyTypes: [Ingress]\n"
            f"  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n"
            f"          app: webui\n    ports:\n    - protocol: TCP\n      port: 80\n")


def autoscaler(app: str, rng: random.Random) -> str:
    return (f"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {app}\n"
            f"spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n"
            f"    name: {app}\n  minReplicas: 1\n  maxReplicas: {rng.randint(3, 20)}\n  metrics:\n"
            f"  - type: Resource\n    resource:\n      name: cpu\n      target:\n"
            f"        type: Utilization\n        averageUtilization: {rng.randint(40, 90)}\n")


def config(app: str, rng: random.Random) -> str:
    lines = "".join(f"    {k} = {rng.randint(1, 999)}\n" for k in ("workers", "timeout", "retries"))
    return (f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {app}\ndata:\n"
            f"  {app}.conf: |\n{lines}  LOG_LEVEL: info\n---\n"
            f"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {app}\nspec:\n"
            f"  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n")


TEMPLATES = {
    "Deployment": deployment, "StatefulSet": statefulset, "DaemonSet": daemonset, "Job": job,
    "Ingress": ingress, "ServiceAccount": rbac, "NetworkPolicy": netpol,
    "HorizontalPodAutoscaler": autoscaler, "ConfigMap": config,
}
WEIGHTS = {"Deployment": 40, "StatefulSet": 8, "DaemonSet": 6, "Job": 8, "Ingress": 8,
           "ServiceAccount": 8, "NetworkPolicy": 6, "HorizontalPodAutoscaler": 6, "ConfigMap": 10}


def write_manifests(folder: Path, count: int, rng: random.Random) -> list[Manifest]:
    """`count` manifest files, plus the five of the dockercoins/ folder."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = [k for k, w in WEIGHTS.items() for _ in range(w)]
    made = []
    for n in range(count):
        kind = rng.choice(kinds)
        app = f"{APPS[n % len(APPS)]}-{n:03d}" if n >= len(APPS) else APPS[n]
        text = TEMPLATES[kind](app, rng)
        name = f"{app}-{kind.lower()}.yaml" if n >= len(APPS) else f"{app}.yaml"
        (folder / name).write_text(text)
        made.append(Manifest(f"k8s/{name}", app, text.split("kind: ", 1)[1].split("\n", 1)[0]))
    (folder / "dockercoins").mkdir(exist_ok=True)
    for app in ("hasher", "redis", "rng", "webui", "worker"):
        (folder / "dockercoins" / f"{app}.yaml").write_text(deployment(app, rng))
    made.append(Manifest("k8s/dockercoins/", "webui", "Deployment"))
    return made
