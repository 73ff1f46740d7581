#!/usr/bin/env python3
"""Static checks of deploy/ (and the AsyncAPI document) that need no Docker and no cluster.

Parses every YAML file and checks that the Kubernetes manifests, the compose file, the Dockerfile and the worker
configs they mount refer to each other consistently: names, labels, ports, paths, secrets, config keys. The worker's
own config parser and plan validator check the config and plan files in the Swift test suite (DeployFilesTests).
Run by `make test`; exits 1 listing every problem.
"""
import json
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")
K8S = os.path.join(DEPLOY, "k8s")
problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
    return condition


def load_yaml(path):
    try:
        with open(path) as f:
            return [d for d in yaml.safe_load_all(f) if d is not None]
    except (OSError, yaml.YAMLError) as error:
        problems.append(f"{os.path.relpath(path, ROOT)}: does not parse as YAML: {error}")
        return []


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        problems.append(f"{os.path.relpath(path, ROOT)}: does not parse as JSON: {error}")
        return {}


def subset(labels, of):
    return all(of.get(k) == v for k, v in (labels or {}).items()) and bool(labels)


def port_of(listen):
    return int(listen.rsplit(":", 1)[1])


def check_kubernetes():
    kustomization = (load_yaml(os.path.join(K8S, "kustomization.yaml")) or [{}])[0]
    resources = kustomization.get("resources", [])
    docs = []
    for name in resources + ["podmonitor.yaml"]:
        path = os.path.join(K8S, name)
        if check(os.path.isfile(path), f"kustomization.yaml: resource {name} does not exist"):
            docs += load_yaml(path)
    by_kind = {}
    for doc in docs:
        by_kind.setdefault(doc.get("kind"), []).append(doc)
    for kind in ["StatefulSet", "Service", "PodDisruptionBudget", "ScaledObject", "TriggerAuthentication", "PodMonitor"]:
        check(len(by_kind.get(kind, [])) == 1, f"deploy/k8s: expected exactly one {kind}, found {len(by_kind.get(kind, []))}")
    if problems:
        return

    generated = {}
    for generator in kustomization.get("configMapGenerator", []):
        files = generator.get("files", [])
        for file in files:
            check(os.path.isfile(os.path.join(K8S, file)), f"configMapGenerator {generator['name']}: {file} does not exist")
        generated[generator["name"]] = [os.path.basename(f) for f in files]
    plan_files = sorted(f for f in os.listdir(os.path.join(K8S, "plans")) if f.endswith(".json"))
    check(sorted(generated.get("campaign-worker-plans", [])) == plan_files,
          f"configMapGenerator campaign-worker-plans lists {generated.get('campaign-worker-plans')}, deploy/k8s/plans holds {plan_files}")
    config = load_json(os.path.join(K8S, "config", "worker.json"))
    kafka = config.get("kafka", {})

    statefulset = by_kind["StatefulSet"][0]
    service = by_kind["Service"][0]
    pdb = by_kind["PodDisruptionBudget"][0]
    scaled = by_kind["ScaledObject"][0]
    auth = by_kind["TriggerAuthentication"][0]
    monitor = by_kind["PodMonitor"][0]
    spec = statefulset["spec"]
    pod = spec["template"]["spec"]
    pod_labels = spec["template"]["metadata"]["labels"]
    name = statefulset["metadata"]["name"]

    # Labels and names.
    check(subset(spec["selector"]["matchLabels"], pod_labels), "StatefulSet selector does not match its pod template labels")
    check(subset(service["spec"]["selector"], pod_labels), "Service selector does not match the worker pods")
    check(subset(pdb["spec"]["selector"]["matchLabels"], pod_labels), "PodDisruptionBudget selector does not match the worker pods")
    check(subset(monitor["spec"]["selector"]["matchLabels"], pod_labels), "PodMonitor selector does not match the worker pods")
    check(spec["serviceName"] == service["metadata"]["name"], "StatefulSet serviceName is not the Service's name")
    check(service["spec"].get("clusterIP") == "None", "the StatefulSet's governing Service must be headless (clusterIP: None)")
    check("replicas" not in spec, "StatefulSet sets replicas, which would fight the ScaledObject on every apply")

    # The container, its ports and probes.
    containers = pod["containers"]
    check(len(containers) == 1, "the worker pod has exactly one container")
    container = containers[0]
    image_names = [i["name"] for i in kustomization.get("images", [])]
    check(container["image"] in image_names, f"container image {container['image']} is not set by kustomization images {image_names}")
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    http_port = port_of(config.get("http", {}).get("listen", "0.0.0.0:9464"))
    check(ports.get("http") == http_port, f"container port http is {ports.get('http')}, worker.json http.listen says {http_port}")
    check(container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}, "readinessProbe must GET /readyz on port http")
    check(container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}, "livenessProbe must GET /healthz on port http")
    check(pod.get("terminationGracePeriodSeconds", 30) > 60, "terminationGracePeriodSeconds must exceed the worker's 60 s delivery wait")
    annotations = service["metadata"].get("annotations", {})
    check(annotations.get("prometheus.io/port") == str(http_port), "Service prometheus.io/port is not the worker's http port")
    check(annotations.get("prometheus.io/path") == "/metrics", "Service prometheus.io/path must be /metrics")
    check(service["spec"]["ports"][0]["targetPort"] == "http", "Service targetPort must be the container port named http")
    check(service["spec"].get("publishNotReadyAddresses") is True, "Service must publish not-ready pods so a restoring pod is scraped")
    check(monitor["spec"]["podMetricsEndpoints"][0]["port"] == "http", "PodMonitor must scrape the port named http")

    # Environment: static membership from the pod name, no service links, every {"env": …} reference defined.
    env = {e["name"]: e for e in container.get("env", [])}
    instance = env.get("CAMPAIGN_WORKER_INSTANCE_ID", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
    check(instance == "metadata.name", "CAMPAIGN_WORKER_INSTANCE_ID must come from the pod name (fieldRef metadata.name)")
    check(pod.get("enableServiceLinks") is False, "enableServiceLinks must be false (service links inject CAMPAIGN_WORKER_* variables)")
    for prop, value in kafka.items():
        if isinstance(value, dict) and "env" in value:
            check(value["env"] in env, f"worker.json kafka.{prop} reads ${value['env']}, which the container does not define")

    # Mounts: the config and plans ConfigMaps where worker.json and the args expect them, secrets where referenced.
    mounts = {m["name"]: m["mountPath"] for m in container.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for mount in mounts:
        check(mount in volumes, f"volumeMount {mount} has no volume")
    config_mount = next((m for m, v in volumes.items() if v.get("configMap", {}).get("name") == "campaign-worker-config"), None)
    plans_mount = next((m for m, v in volumes.items() if v.get("configMap", {}).get("name") == "campaign-worker-plans"), None)
    check(config_mount in mounts and plans_mount in mounts, "the config and plans ConfigMaps must both be mounted")
    if config_mount in mounts:
        config_path = os.path.join(mounts[config_mount], "worker.json")
        check(container["args"] == ["run", "--config", config_path], f"container args must run with --config {config_path}")
    if plans_mount in mounts:
        check(config.get("plans", {}).get("path", "").rstrip("/") == mounts[plans_mount],
              f"worker.json plans.path must be where the plans ConfigMap is mounted ({mounts[plans_mount]})")
    secret_volumes = {m: v["secret"] for m, v in volumes.items() if "secret" in v}
    secret_files = {}
    for volume, secret in secret_volumes.items():
        for item in secret.get("items", []):
            secret_files[os.path.join(mounts.get(volume, "?"), item["path"])] = (secret["secretName"], item["key"])
    for prop, value in kafka.items():
        path = value.get("file") if isinstance(value, dict) else (value if prop.endswith(".location") else None)
        if path:
            check(path in secret_files, f"worker.json kafka.{prop} reads {path}, which no secret volume provides")

    # One Secret, the same keys, for the worker and for KEDA.
    secret_names = {s["secretName"] for s in secret_volumes.values()}
    secret_names |= {e["valueFrom"]["secretKeyRef"]["name"] for e in env.values() if "secretKeyRef" in e.get("valueFrom", {})}
    secret_names |= {r["name"] for r in auth["spec"]["secretTargetRef"]}
    check(len(secret_names) == 1, f"the worker and KEDA should read one Kafka Secret, found {sorted(secret_names)}")
    keys = {r["parameter"]: r["key"] for r in auth["spec"]["secretTargetRef"]}
    used = {key for _, key in secret_files.values()} | {e["valueFrom"]["secretKeyRef"]["key"] for e in env.values() if "secretKeyRef" in e.get("valueFrom", {})}
    check(set(keys.values()) <= used, f"TriggerAuthentication reads Secret keys {sorted(keys.values())} the worker does not use ({sorted(used)})")

    # KEDA scales this StatefulSet on this group's lag, capped at the partition count.
    target = scaled["spec"]["scaleTargetRef"]
    check(target == {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": name}, f"ScaledObject must target StatefulSet {name}")
    trigger = scaled["spec"]["triggers"][0]
    meta = trigger["metadata"]
    check(trigger["type"] == "kafka", "ScaledObject trigger must be kafka")
    check(meta["consumerGroup"] == config.get("groupId", "campaign-worker"), "ScaledObject consumerGroup is not worker.json groupId")
    check(meta["topic"] in config.get("topics", {}).get("activity", ["member-activity"]), "ScaledObject topic is not an activity topic")
    check(meta["bootstrapServers"] == kafka.get("bootstrap.servers"), "ScaledObject bootstrapServers differ from worker.json")
    check(meta.get("allowIdleConsumers") == "false", "allowIdleConsumers must be \"false\" so replicas never exceed partitions")
    partitions = int(scaled["metadata"]["annotations"]["campaign-worker/partitions"])
    check(scaled["spec"]["maxReplicaCount"] == partitions, "ScaledObject maxReplicaCount must equal the partition count")
    check(1 <= scaled["spec"]["minReplicaCount"] <= scaled["spec"]["maxReplicaCount"], "minReplicaCount must be 1…maxReplicaCount")
    check(trigger["authenticationRef"]["name"] == auth["metadata"]["name"], "ScaledObject authenticationRef is not the TriggerAuthentication")
    mechanism = kafka.get("sasl.mechanisms", "").lower().replace("-", "_")
    check(meta.get("sasl") == mechanism.replace("sha_", "sha"), f"KEDA sasl {meta.get('sasl')} does not match worker.json sasl.mechanisms")
    check((meta.get("tls") == "enable") == (kafka.get("security.protocol", "").upper() in ("SSL", "SASL_SSL")),
          "KEDA tls must be enabled exactly when the worker uses SSL")


def check_compose():
    compose = (load_yaml(os.path.join(DEPLOY, "docker-compose.yml")) or [{}])[0]
    services = compose.get("services", {})
    if not check(set(services) == {"kafka", "topics", "worker"}, f"docker-compose.yml services are {sorted(services)}"):
        return
    kafka, topics, worker = services["kafka"], services["topics"], services["worker"]
    kenv = kafka["environment"]
    check("controller" in kenv["KAFKA_PROCESS_ROLES"], "Kafka must run in KRaft mode (process roles include controller)")
    check(not any("zookeeper" in str(s).lower() for s in services.values()), "no ZooKeeper in a KRaft stack")
    check(kafka["image"] == topics["image"], "the topics job must use the Kafka image")
    check(topics["depends_on"]["kafka"]["condition"] == "service_healthy", "topics must wait for a healthy Kafka")
    check(worker["depends_on"]["topics"]["condition"] == "service_completed_successfully", "the worker must wait for the topics")
    build = worker["build"]
    context = os.path.normpath(os.path.join(DEPLOY, build["context"]))
    check(context == ROOT, "the worker builds from the repository root")
    check(os.path.isfile(os.path.join(context, build["dockerfile"])), f"{build['dockerfile']} does not exist")
    mounts = {}
    for volume in worker["volumes"]:
        host, container_path = volume.split(":")[:2]
        check(os.path.exists(os.path.join(DEPLOY, host)), f"compose mounts {host}, which does not exist")
        mounts[container_path] = os.path.normpath(os.path.join(DEPLOY, host))
    config_path = "/etc/campaign-worker/config/worker.json"
    if not check(config_path in mounts, f"compose must mount the worker config at {config_path}"):
        return
    config = load_json(mounts[config_path])
    plans = config.get("plans", {}).get("path", "")
    check(plans in mounts and os.path.isdir(mounts[plans]), f"compose must mount a plans directory at {plans}")
    advertised = dict(l.split("://") for l in kenv["KAFKA_ADVERTISED_LISTENERS"].split(","))
    check(config["kafka"]["bootstrap.servers"] == advertised.get(kenv["KAFKA_INTER_BROKER_LISTENER_NAME"]),
          "compose worker.json bootstrap.servers must be Kafka's in-network advertised listener")
    script = topics["command"][0]
    created = set(re.findall(r"^\s*create (\S+)", script, re.M))
    t = config.get("topics", {})
    wanted = set(t.get("activity", [])) | {t.get(k) for k in ("couponJobs", "notificationJobs", "decisions", "deadLetters", "plans")} - {None}
    check(wanted <= created, f"topics job does not create {sorted(wanted - created)}")
    check(f"{port_of(config['http']['listen'])}:{port_of(config['http']['listen'])}" in worker.get("ports", []),
          "compose must publish the worker's http port")


def check_dockerfile():
    path = os.path.join(DEPLOY, "Dockerfile")
    with open(path) as f:
        text = f.read()
    with open(path + ".dockerignore") as f:
        allowed = [l.strip()[1:].rstrip("/") for l in f if l.strip().startswith("!")]
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M)
    check(len(stages) == 2, "the Dockerfile has a build stage and a runtime stage")
    args = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", text, re.M))
    check(args.get("RUNTIME_IMAGE") == "debian:trixie-slim", "the runtime image is Debian 13 slim (librdkafka1 2.8.0)")
    check(args.get("SWIFT_IMAGE", "").startswith("swift:6"), "the build image is a Swift 6 image")
    for source in re.findall(r"^COPY\s+(?!--from)(\S+)\s+\S+", text, re.M):
        check(os.path.exists(os.path.join(ROOT, source)), f"Dockerfile copies {source}, which does not exist")
        check(any(source == a or source.startswith(a + "/") for a in allowed), f"Dockerfile copies {source}, which Dockerfile.dockerignore excludes")
    check(re.search(r"apt-get install[^\n]*\blibrdkafka1\b", text) is not None, "the runtime installs librdkafka1")
    check(re.search(r"apt-get install[^\n]*\btzdata\b", text) is not None, "the runtime installs tzdata (member time zones)")
    entry = json.loads(re.search(r"^ENTRYPOINT\s+(\[.*\])", text, re.M).group(1))
    check(re.search(r"install -D -m 0755 .+ /out/campaign-worker$", text, re.M) and f"/out/campaign-worker {entry[0]}" in text,
          "ENTRYPOINT must be the binary the build stage produced")
    cmd = json.loads(re.search(r"^CMD\s+(\[.*\])", text, re.M).group(1))
    check(cmd == ["run", "--config", "/etc/campaign-worker/config/worker.json"], "CMD must run with the config where k8s and compose mount it")
    check(re.search(r"^EXPOSE 9464$", text, re.M) is not None, "EXPOSE the default http.listen port 9464")
    check(re.search(r"^USER \d+:\d+$", text, re.M) is not None, "the runtime runs as a numeric non-root user")


def check_asyncapi():
    path = os.path.join(ROOT, "docs", "asyncapi.yaml")
    if not os.path.exists(path):
        return
    docs = load_yaml(path)
    if not docs:
        return
    doc = docs[0]
    check(str(doc.get("asyncapi", "")).startswith("3.0"), "docs/asyncapi.yaml must be AsyncAPI 3.0")
    channels = doc.get("channels", {})
    for name, operation in doc.get("operations", {}).items():
        ref = operation.get("channel", {}).get("$ref", "")
        check(ref.startswith("#/channels/") and ref.split("/")[-1] in channels, f"operation {name} refers to missing channel {ref}")
    messages = doc.get("components", {}).get("messages", {})
    for name, channel in channels.items():
        for message in channel.get("messages", {}).values():
            ref = message.get("$ref", "")
            check(ref.startswith("#/components/messages/") and ref.split("/")[-1] in messages, f"channel {name} refers to missing message {ref}")

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                file = ref.split("#")[0]
                check(os.path.isfile(os.path.normpath(os.path.join(ROOT, "docs", file))), f"docs/asyncapi.yaml refers to missing file {file}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(doc)


for step in (check_kubernetes, check_compose, check_dockerfile, check_asyncapi):
    try:
        step()
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        problems.append(f"{step.__name__}: a required element is missing or malformed ({type(error).__name__}: {error})")

if problems:
    for problem in problems:
        print(f"deploy check: {problem}", file=sys.stderr)
    sys.exit(1)
print("deploy check: deploy/k8s, deploy/docker-compose.yml, deploy/Dockerfile and docs/asyncapi.yaml are consistent")
