"""Services, ConfigMaps and Secrets, enums, workloads, storage, Ingress, NetworkPolicy, RBAC, HPA, PDB."""

from __future__ import annotations


def test_several_service_ports_need_names(check):
    found = check("""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports:
          - {port: 80, targetPort: http}
          - {port: 443, targetPort: 8443, name: https}
          - {port: 443, name: https, nodePort: 30443}
          - {port: 0, name: web_admin, targetPort: "8080"}
        """, only="k8s-service")
    assert "spec.ports[0].name: Required value" in found[0]
    assert 'spec.ports[2].name: Duplicate value: "https"' in found[1]
    assert "spec.ports[2]: Duplicate value" in found[2]
    assert "spec.ports[2].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" in found[3]
    assert 'spec.ports[3].name: Invalid value: "web_admin"' in found[4]
    assert "spec.ports[3].port: Invalid value: 0: must be between 1 and 65535, inclusive" in found[5]
    assert 'spec.ports[3].targetPort: Invalid value: "8080": must contain at least one letter' in found[6]


def test_a_single_unnamed_port_and_headless_services_are_valid(check):
    assert check("""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          clusterIP: None
          selector: {app: db}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: ext
        spec:
          type: ExternalName
          externalName: example.com
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: np
        spec:
          type: NodePort
          externalTrafficPolicy: Local
          ports: [{port: 80, nodePort: 30080}]
        """) == []


def test_service_type_dependent_fields(check):
    found = check("""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: Nodeport
          ports: [{port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web2
        spec:
          externalTrafficPolicy: Local
        """)
    assert 'spec.type: Unsupported value: "Nodeport": supported values: "ClusterIP", "ExternalName", ' \
           '"LoadBalancer", "NodePort"' in found[0]
    assert any("spec.ports: Required value" in f for f in found)
    assert any("may only be set for externally-accessible services" in f for f in found)


def test_secret_data_must_be_base64(check):
    found = check("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: s
        data:
          password: hunter2!
          token: YWJj
          short: YWJjZA
        stringData:
          "my key": plain text is fine here
        """, only="k8s-configmap-secret")
    found.sort(key=lambda f: int(f.split(":")[0]))
    assert len(found) == 3
    assert 'data[password]: Invalid value: "hunter2!": illegal base64 data at input byte 7' in found[0]
    assert 'data[short]: Invalid value: "YWJjZA": illegal base64 data' in found[1]
    assert ('data[my key]: Invalid value: "my key": '
            "a valid config key must consist of alphanumeric") in found[2]


def test_typed_secrets_and_configmap_keys(check):
    found = check("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: tls
        type: kubernetes.io/tls
        data:
          tls.crt: YWJj
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
        data:
          app.properties: "a=b"
          ..hidden: x
          shared: x
        binaryData:
          shared: YWJj
        """, only="k8s-configmap-secret")
    assert "data[tls.key]: Required value" in found[0]
    assert "must not start with '..'" in found[1]
    assert 'data[shared]: Invalid value: "shared": duplicate of key present in binaryData' in found[2]


def test_enums_come_from_the_schema_descriptions(check):
    text = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          dnsPolicy: ClusterFirts
          tolerations:
          - {key: k, operator: Lt, value: "5", effect: NoSchedule}
          containers:
          - name: w
            image: nginx
            imagePullPolicy: Sometimes
            ports: [{containerPort: 53, protocol: udp}]
        """
    found = check(text, version="1.34", only="k8s-enums")
    assert 'spec.dnsPolicy: Unsupported value: "ClusterFirts": supported values: "ClusterFirst", ' \
           '"ClusterFirstWithHostNet", "Default", "None"' in found[0]
    assert 'spec.tolerations[0].operator: Unsupported value: "Lt": ' \
           'supported values: "Equal", "Exists"' in found[1]
    assert 'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": ' \
           'supported values: "Always", ' \
           '"IfNotPresent", "Never"' in found[2]
    assert 'spec.containers[0].ports[0].protocol: Unsupported value: "udp"' in found[3]
    assert not any("tolerations" in f for f in check(text, version="1.35", only="k8s-enums"))


def test_enums_in_other_kinds(check):
    found = check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: d
        spec:
          strategy: {type: BlueGreen}
          selector: {matchLabels: {app: d}}
          template:
            metadata: {labels: {app: d}}
            spec:
              containers: [{name: w, image: nginx}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: c
        spec:
          schedule: "@daily"
          concurrencyPolicy: Never
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: w, image: busybox}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: i
        spec:
          rules:
          - http:
              paths:
              - path: /
                pathType: prefix
                backend: {service: {name: web, port: {number: 80}}}
        """, only="k8s-enums")
    assert 'spec.strategy.type: Unsupported value: "BlueGreen": ' \
           'supported values: "Recreate", "RollingUpdate"' \
           in found[0]
    assert 'spec.concurrencyPolicy: Unsupported value: "Never": supported values: "Allow", "Forbid", ' \
           '"Replace"' in found[1]
    assert "spec.rules[0].http.paths[0].pathType: Unsupported value: \"prefix\"" in found[2]


def test_deployment_strategy_and_counts(check):
    found = check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: d
        spec:
          replicas: -1
          strategy:
            type: Recreate
            rollingUpdate: {maxSurge: 1}
          selector: {matchLabels: {app: d}}
          template:
            metadata: {labels: {app: d}}
            spec:
              containers: [{name: w, image: nginx}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: e
        spec:
          strategy:
            rollingUpdate: {maxSurge: 0, maxUnavailable: 0}
          selector: {matchLabels: {app: e}}
          template:
            metadata: {labels: {app: e}}
            spec:
              containers: [{name: w, image: nginx}]
        """, only="k8s-workloads")
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in found[0]
    assert "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'" \
           in found[1]
    assert "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0" \
           in found[2]


def test_persistent_volume_claims(check):
    found = check("""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes: [ReadWriteOne]
          resources: {requests: {storage: 0}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: empty
        spec:
          resources: {}
        """, only="k8s-storage")
    assert 'spec.accessModes[0]: Unsupported value: "ReadWriteOne"' in found[0]
    assert "spec.resources[storage]: Invalid value: 0: must be greater than zero" in found[1]
    assert "spec.accessModes: Required value: at least 1 access mode is required" in found[2]
    assert "spec.resources[storage]: Required value" in found[3]


def test_ingress_paths_hosts_and_backends(check):
    found = check("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          rules:
          - host: 10.0.0.1
            http:
              paths:
              - path: api
                pathType: Prefix
                backend: {service: {name: api, port: {number: 80}}}
              - path: /
                backend: {service: {name: web, port: {name: http, number: 80}}}
          - host: "*.example.com"
            http:
              paths:
              - {path: /, pathType: Exact, backend: {service: {name: web, port: {name: http}}}}
        """, only="k8s-ingress")
    assert 'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address' in found[0]
    assert 'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path' in found[1]
    assert "spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified" in found[2]
    assert "cannot set both port name & port number" in found[3]
    assert len(found) == 4


def test_network_policy_peers_and_ports(check):
    found = check("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: n
        spec:
          podSelector: {}
          policyTypes: [Ingress, egress]
          ingress:
          - from:
            - ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}
              podSelector: {}
            - {}
            ports:
            - {port: 8080, endPort: 80}
          egress:
          - to: [{ipBlock: {cidr: 10.0.0.0/33}}]
        """)
    assert any('spec.policyTypes[1]: Unsupported value: "egress"' in f for f in found)
    assert any("spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer" in f
               for f in found)
    assert any("must be a strict subset of `cidr`" in f for f in found)
    assert any("spec.ingress[0].from[1]: Required value: must specify a peer" in f for f in found)
    assert any("endPort: Invalid value: 80: must be greater than or equal to `port`" in f for f in found)
    assert any('spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/33"' in f for f in found)


def test_rbac_rules_and_bindings(check):
    found = check("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: r
        rules:
        - resources: [pods]
          verbs: [get]
        - nonResourceURLs: [/healthz]
          verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: b
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
        subjects:
        - {kind: ServiceAccount, name: default}
        - {kind: Team, name: ops}
        """, only="k8s-rbac")
    assert "rules[0].apiGroups: Required value: resource rules must supply at least one api group" in found[0]
    assert "namespaced rules cannot apply to non-resource URLs" in found[1]
    assert 'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"' in found[2]
    assert "subjects[0].namespace: Required value" in found[3]
    assert 'subjects[1].kind: Unsupported value: "Team"' in found[4]


def test_hpa_and_pdb(check):
    found = check("""
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: h
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 5
          maxReplicas: 2
          metrics:
          - type: Resource
            pods: {metric: {name: x}, target: {type: AverageValue, averageValue: 1}}
          - type: Resource
            resource: {name: cpu, target: {type: Utilization}}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: p
        spec:
          minAvailable: 150%
          maxUnavailable: 1
          selector: {matchLabels: {app: web}}
        """, only="k8s-autoscaling")
    assert "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`" in found[0]
    assert "spec.metrics[0].pods: Forbidden: must populate the given metric source only" in found[1]
    assert "spec.metrics[0].resource: Required value" in found[2]
    assert "must set either a target raw value or a target utilization" in found[3]
    assert "minAvailable and maxUnavailable cannot be both set" in found[4]
    assert 'spec.minAvailable: Invalid value: "150%": must not be greater than 100%' in found[5]
