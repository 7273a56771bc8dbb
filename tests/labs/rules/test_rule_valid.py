"""No false alarms: tricky valid manifests, the course's own manifests, and odd input that must not crash."""

from __future__ import annotations

import copy
from pathlib import Path

from builder.yamltext import load_documents


def load_yaml_documents(text: str) -> list[tuple[int, object]]:
    """(first line, data) of each document, through the one YAML loader."""
    documents, error = load_documents(text)
    assert error is None, error
    return [(d.line, d.data) for d in documents]

ROOT = Path(__file__).resolve().parents[3]

TRICKY = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/name: web, version: "1.0"}
  annotations: {kubernetes.io/change-cause: "first rollout", Example.com/Note: "free text, any size"}
spec:
  replicas: 0
  selector:
    matchExpressions:
    - {key: app.kubernetes.io/name, operator: In, values: [web, www]}
    - {key: canary, operator: DoesNotExist}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web, tier: ""}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80, name: http}]
        resources:
          requests: {cpu: 500m, memory: 1.5Gi}
          limits: {cpu: "1", memory: 2Gi, ephemeral-storage: 1e9}
        readinessProbe: {httpGet: {path: /, port: http}}
        env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        volumeMounts: [{name: conf, mountPath: /etc/nginx/conf.d}]
      volumes: [{name: conf, configMap: {name: web.config}}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web.config
data:
  default.conf: "server {}"
  .dotfile: x
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "@hourly"
  timeZone: Europe/Paris
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: backup, image: busybox, args: [date]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: once
spec:
  restartPolicy: Never
  containers: [{name: once, image: busybox, command: [echo, hi]}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app.kubernetes.io/name: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
type: Opaque
data:
  password: |
    aHVudGVyMg==
stringData:
  username: admin
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  tls: [{hosts: ["*.example.com"], secretName: tls}]
  rules:
  - host: www.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
      - {path: "/api(/|$)(.*)", pathType: ImplementationSpecific,
         backend: {service: {name: api, port: {number: 8080}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {}}]
    ports: [{port: 53, protocol: UDP}, {port: 30000, endPort: 32767}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 10
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 25%
  selector: {matchLabels: {app.kubernetes.io/name: web}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read
subjects:
- {kind: User, name: alice@example.com}
- {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
"""


def test_tricky_valid_manifests_pass_clean(diagnostics):
    for version in ("1.25", "1.29", "1.37"):
        assert [str(d) for d in diagnostics(TRICKY, version)] == [], version


def test_the_course_manifests_pass_clean(diagnostics):
    for path in sorted((ROOT / "k8s").glob("*.yaml")):
        assert [str(d) for d in diagnostics(path.read_text(encoding="utf-8"))] == [], path.name


def _mutations(node, path=()):
    """Every document the TRICKY ones become when one value is replaced by an odd one."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), value
            yield from _mutations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*path, index), value
            yield from _mutations(value, (*path, index))


def _replace(doc, path, value):
    doc = copy.deepcopy(doc)
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


def test_odd_values_never_crash_a_rule(newest_schemas):
    from builder.labs import rules

    context = rules.ManifestContext(definitions=newest_schemas.definitions, version=newest_schemas.version)
    for _, doc in load_yaml_documents(TRICKY):
        for path, _ in list(_mutations(doc)):
            for odd in (None, 7, -1, "", "x y", [], {}, [None], {"k": None}, True, 1.5):
                rules.check_document(_replace(doc, path, odd), context)
