"""Pod specs: containers, restart policies, volumes and mounts, env, ports, probes."""

from __future__ import annotations

import textwrap


def pod(spec: str, kind: str = "Pod") -> str:
    """A document of `kind` whose pod spec is `spec` (YAML, unindented)."""
    body = textwrap.indent(textwrap.dedent(spec).strip("\n"), "  " if kind == "Pod" else "      ")
    if kind == "Pod":
        return f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n{body}\n"
    api = {"Job": "batch/v1"}.get(kind, "apps/v1")
    return (f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: p\nspec:\n  selector:\n"
            f"    matchLabels: {{app: p}}\n  template:\n    metadata:\n      labels: {{app: p}}\n"
            f"    spec:\n{body}\n")


def test_container_name_with_underscore_and_duplicates(check):
    found = check(pod("""
        containers:
        - {name: my_app, image: nginx}
        - {name: web, image: nginx}
        initContainers:
        - {name: web, image: busybox}
        """), only="k8s-containers")
    assert len(found) == 2
    assert 'spec.containers[0].name: Invalid value: "my_app": a lowercase RFC 1123 label' in found[0]
    assert 'spec.containers[1].name: Duplicate value: "web"' in found[1]


def test_bare_pod_needs_an_image_but_templates_do_not(check):
    assert "spec.containers[0].image: Required value" in check(pod("containers: [{name: web}]"),
                                                               only="k8s-containers")[0]
    assert check(pod("containers: [{name: web}]", "Deployment"), only="k8s-containers") == []


def test_statefulset_pod_template_findings_are_warnings(check):
    found = check(pod("containers: [{name: Web, image: nginx}]", "StatefulSet"), only="k8s-containers")
    assert found and found[0].split(": ")[1] == "warning"
    assert "its controller then fails to create the pods" in found[0]


def test_restart_policy_per_controller(check):
    assert check(pod("restartPolicy: Never\ncontainers: [{name: w, image: busybox}]")) == []
    deployment = check(pod("restartPolicy: OnFailure\ncontainers: [{name: w, image: nginx}]", "Deployment"),
                       only="k8s-restart-policy")
    assert deployment == ['12: error: document 1: spec.template.spec.restartPolicy: Unsupported value: '
                          '"OnFailure": supported values: "Always"']
    job = check(pod("containers: [{name: w, image: busybox}]", "Job"), only="k8s-restart-policy")
    assert 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"' in job[0]
    assert check(pod("restartPolicy: OnFailure\ncontainers: [{name: w, image: busybox}]", "Job"),
                 only="k8s-restart-policy") == []


def test_volume_mount_that_names_no_volume(check):
    found = check(pod("""
        containers:
        - name: web
          image: nginx
          volumeMounts:
          - {name: data, mountPath: /data}
          - {name: config, mountPath: /data}
          - {name: config, mountPath: /etc/x, subPath: ../secret}
        volumes:
        - {name: config, configMap: {name: web}}
        """), only="k8s-volumes")
    assert 'spec.containers[0].volumeMounts[0].name: Not found: "data"' in found[0]
    assert 'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique' in found[1]
    assert "must not contain '..'" in found[2]


def test_volumes_names_and_sources(check):
    found = check(pod("""
        containers: [{name: web, image: nginx}]
        volumes:
        - {name: Cache, emptyDir: {}}
        - {name: cache, emptyDir: {}, hostPath: {path: /tmp}}
        - {name: cache, emptyDir: {}}
        - name: scratch
        """), only="k8s-volumes")
    assert "spec.volumes[0].name" in found[0]
    assert "spec.volumes[1].hostPath: Forbidden: may not specify more than 1 volume type" in found[1]
    assert 'spec.volumes[2].name: Duplicate value: "cache"' in found[2]
    assert len(found) == 3  # `- name: scratch` alone is an emptyDir (SetDefaults_Volume)


def test_statefulset_claim_templates_count_as_volumes(check):
    text = pod("""
        containers:
        - name: db
          image: postgres
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]
        """, "StatefulSet") + """  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
"""
    assert check(text) == []


def test_env_names_follow_the_target_version(check):
    text = pod("containers: [{name: w, image: nginx, env: [{name: 'MY VAR', value: x}]}]")
    assert "a valid environment variable name" in check(text, version="1.31", only="k8s-env")[0]
    assert check(text, version="1.34", only="k8s-env") == []
    assert "must consist only of printable ASCII" in check(
        pod("containers: [{name: w, image: nginx, env: [{name: 'A=B', value: x}]}]"), only="k8s-env")[0]


def test_env_value_and_value_from(check):
    found = check(pod("""
        containers:
        - name: w
          image: nginx
          env:
          - name: A
            value: x
            valueFrom: {fieldRef: {fieldPath: metadata.name}}
          - name: B
            valueFrom:
              fieldRef: {fieldPath: metadata.name}
              secretKeyRef: {name: s, key: k}
        """), only="k8s-env")
    assert "env[0].valueFrom" in found[0] and "may not be specified when `value` is not empty" in found[0]
    assert "env[1].valueFrom" in found[1] and "may not have more than one field" in found[1]


def test_port_ranges_names_and_duplicates(check):
    found = check(pod("""
        containers:
        - name: web
          image: nginx
          ports:
          - {containerPort: 80, name: http}
          - {containerPort: 70000, name: metrics-endpoint-port}
          - {containerPort: 8080, name: http}
          - {containerPort: 8443, name: web_tls}
          - {containerPort: 9090, name: "9090"}
        """), only="k8s-container-ports")
    assert ('ports[1].name: Invalid value: "metrics-endpoint-port": '
            "must be no more than 15 characters") in found[0]
    assert "ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive" in found[1]
    assert 'ports[2].name: Duplicate value: "http"' in found[2]
    assert "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)" in found[3]
    assert "must contain at least one letter (a-z)" in found[4]


def test_host_ports_are_unique_per_pod(check):
    found = check(pod("""
        containers:
        - {name: a, image: nginx, ports: [{containerPort: 80, hostPort: 8080}]}
        - {name: b, image: nginx, ports: [{containerPort: 81, hostPort: 8080}]}
        """), only="k8s-container-ports")
    assert 'spec.containers[1].ports[0].hostPort: Duplicate value: "8080/TCP"' in found[0]


def test_probe_with_two_handlers_and_bad_ports(check):
    found = check(pod("""
        containers:
        - name: web
          image: nginx
          livenessProbe:
            httpGet: {path: /, port: 80}
            tcpSocket: {port: 80}
            successThreshold: 2
          readinessProbe:
            httpGet: {path: /, port: http_port, scheme: http}
          startupProbe:
            initialDelaySeconds: 5
          lifecycle:
            preStop:
              exec: {command: [sleep, "5"]}
              sleep: {seconds: 5}
        """), only="k8s-probes")
    assert "livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type" in found[0]
    assert "livenessProbe.successThreshold: Invalid value: 2: must be 1" in found[1]
    assert 'readinessProbe.httpGet.port: Invalid value: "http_port"' in found[2]
    assert ('readinessProbe.httpGet.scheme: Unsupported value: "http": '
            'supported values: "HTTP", "HTTPS"') in found[3]
    assert "startupProbe: Required value: must specify a handler type" in found[4]
    assert "lifecycle.preStop.sleep: Forbidden: may not specify more than 1 handler type" in found[5]


def test_valid_probes_and_named_ports(check):
    assert check(pod("""
        containers:
        - name: web
          image: nginx
          ports: [{containerPort: 8080, name: http}]
          livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 5}
          readinessProbe: {tcpSocket: {port: 8080}, successThreshold: 3}
          startupProbe: {exec: {command: [cat, /tmp/ready]}, failureThreshold: 30}
          lifecycle: {preStop: {sleep: {seconds: 5}}}
        """)) == []
