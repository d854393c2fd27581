// Checks the Kubernetes manifests: each overlay renders, every object is valid for the
// Kubernetes API (types, required fields, and no unknown fields), and Agora's own rules hold:
// hardened and probed containers, a disruption budget and an autoscaler per Deployment, one
// public Service, and NetworkPolicies that allow exactly the calls the design names. The overlays
// render with kustomize or kubectl where one is installed, else with kustomize.mjs.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import * as client from "@kubernetes/client-node";
import { edgeDir, renderEdge, repository } from "./render-edge.mjs";
import {
  defaultRenderer, overlays, podTemplateOf, rendererName, renderOverlay, selects,
} from "./render.mjs";

const kRoles = ["auth", "users", "catalog", "orders"];
const renderer = defaultRenderer();
const rendered = new Map(overlays.map((name) => [name, renderOverlay(name, renderer)]));

// ---- schema validation ----

/** kubernetes-models' validator for the object's kind: types, enums, required fields. */
async function modelFor(object) {
  const [group, version] = object.apiVersion.includes("/")
    ? object.apiVersion.split("/")
    : ["", object.apiVersion];
  const path = group === "" ? `${version}/${object.kind}` : `${group}/${version}/${object.kind}`;
  const module = await import(`kubernetes-models/${path}`);
  return module[object.kind];
}

/** client-node's field table for the object's kind, e.g. V1Deployment. */
function fieldTableFor(object) {
  const version = object.apiVersion.split("/").pop();
  const name = version[0].toUpperCase() + version.slice(1) + object.kind;
  const model = client[name];
  assert.ok(model?.attributeTypeMap, `no API type ${name} for ${object.apiVersion} ${object.kind}`);
  return name;
}

/** Field paths of `value` that its API type `type` does not define. */
function unknownFields(value, type, path) {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    return Array.isArray(value)
      ? value.flatMap((item, index) => unknownFields(item, array[1], `${path}[${index}]`))
      : [];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    return Object.entries(value).flatMap(([key, item]) =>
      unknownFields(item, map[1], `${path}.${key}`),
    );
  }
  const model = client[type];
  if (!model?.attributeTypeMap || typeof value !== "object") return [];
  const fields = new Map(model.attributeTypeMap.map((field) => [field.baseName, field.type]));
  return Object.entries(value).flatMap(([key, item]) =>
    fields.has(key)
      ? unknownFields(item, fields.get(key), `${path}.${key}`)
      : [`${path}.${key}`],
  );
}

/**
 * Returns the object as the API server decodes it. Kustomize wraps long base64 Secret values
 * over several lines, and the server's base64 decoder skips the line breaks.
 */
function asSent(object) {
  if (object.kind !== "Secret" || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [key, value.replaceAll("\n", "")]),
  );
  return { ...object, data };
}

function nameOf(object) {
  return `${object.kind}/${object.metadata?.name}`;
}

function containersOf(object) {
  const spec = podTemplateOf(object)?.spec;
  return spec ? [...(spec.initContainers ?? []), ...spec.containers] : [];
}

for (const overlay of overlays) {
  const objects = rendered.get(overlay);
  const workloads = objects.filter((object) => podTemplateOf(object));
  const byKind = (kind) => objects.filter((object) => object.kind === kind);

  describe(`overlay ${overlay} (rendered by ${rendererName(renderer)})`, () => {
    test("runs the overlay's own agora image in every role and the Job", () => {
      const expected = overlay === "dev" ? "agora:dev" : "registry.example.com/agora:0.1.0";
      const images = workloads
        .filter((object) => object.metadata.name !== "agora-edge")
        .filter((object) => !["agora-mariadb", "agora-redis"].includes(object.metadata.name))
        .flatMap((object) => podTemplateOf(object).spec.containers.map((c) => c.image));
      assert.ok(images.length >= 5, `found ${images.length} agora containers`);
      for (const image of images) assert.equal(image, expected);
    });

    test("renders the four roles, the edge and the migration Job", () => {
      const deployments = byKind("Deployment").map((d) => d.metadata.name).sort();
      assert.deepEqual(deployments, [
        "agora-auth",
        "agora-catalog",
        "agora-edge",
        "agora-orders",
        "agora-users",
      ]);
      assert.equal(byKind("Job").length, 1);
      for (const object of objects) {
        if (object.kind !== "Namespace") {
          assert.equal(object.metadata.namespace, overlay === "dev" ? "agora-dev" : "agora");
        }
      }
    });

    test("every object matches its API schema", async () => {
      for (const object of objects) {
        const Model = await modelFor(object);
        assert.doesNotThrow(() => new Model(asSent(object)).validate(), nameOf(object));
      }
    });

    test("no object has a field its API type lacks", () => {
      for (const object of objects) {
        assert.deepEqual(unknownFields(object, fieldTableFor(object), nameOf(object)), []);
      }
    });

    test("every container is hardened and limited", () => {
      for (const workload of workloads) {
        const pod = podTemplateOf(workload).spec;
        assert.equal(pod.automountServiceAccountToken, false, nameOf(workload));
        assert.equal(pod.securityContext?.runAsNonRoot, true, nameOf(workload));
        assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault", nameOf(workload));
        for (const container of containersOf(workload)) {
          const where = `${nameOf(workload)} container ${container.name}`;
          const security = container.securityContext ?? {};
          assert.equal(security.readOnlyRootFilesystem, true, where);
          assert.equal(security.allowPrivilegeEscalation, false, where);
          assert.deepEqual(security.capabilities?.drop, ["ALL"], where);
          assert.equal(security.capabilities?.add, undefined, where);
          for (const resource of ["cpu", "memory"]) {
            assert.ok(container.resources?.limits?.[resource], `${where}: no ${resource} limit`);
            assert.ok(container.resources?.requests?.[resource], `${where}: no ${resource} request`);
          }
        }
      }
    });

    test("every long-running container has startup, liveness and readiness probes", () => {
      // A Job's container runs to completion, so probes do not apply to it.
      for (const workload of workloads.filter((w) => w.kind !== "Job")) {
        for (const container of podTemplateOf(workload).spec.containers) {
          const where = `${nameOf(workload)} container ${container.name}`;
          assert.ok(container.startupProbe, `${where}: no startupProbe`);
          assert.ok(container.livenessProbe, `${where}: no livenessProbe`);
          assert.ok(container.readinessProbe, `${where}: no readinessProbe`);
        }
      }
    });

    test("every Deployment has a disruption budget and an autoscaler", () => {
      for (const deployment of byKind("Deployment")) {
        const labels = deployment.spec.template.metadata.labels;
        const budgets = byKind("PodDisruptionBudget").filter((pdb) =>
          selects(pdb.spec.selector, labels),
        );
        assert.equal(budgets.length, 1, `${nameOf(deployment)}: disruption budgets`);
        const scalers = byKind("HorizontalPodAutoscaler").filter(
          (hpa) =>
            hpa.apiVersion === "autoscaling/v2" &&
            hpa.spec.scaleTargetRef.kind === "Deployment" &&
            hpa.spec.scaleTargetRef.name === deployment.metadata.name,
        );
        assert.equal(scalers.length, 1, `${nameOf(deployment)}: autoscalers`);
        assert.ok(scalers[0].spec.minReplicas >= 2, `${nameOf(deployment)}: minReplicas`);
        assert.equal(deployment.spec.replicas, undefined, `${nameOf(deployment)}: replicas`);
        assert.ok(
          deployment.spec.template.spec.topologySpreadConstraints?.some(
            (constraint) => constraint.topologyKey === "kubernetes.io/hostname",
          ),
          `${nameOf(deployment)}: no spread across nodes`,
        );
      }
    });

    test("each role runs its own role and stops gracefully", () => {
      const properties = byKind("ConfigMap").find((c) => c.metadata.name.startsWith("agora-config-"))
        .data["agora.properties"];
      const setting = (key) => Number(new RegExp(`^${key} = (\\d+)$`, "m").exec(properties)?.[1]);
      assert.equal(setting("shutdown.drain_seconds"), 5);
      for (const role of kRoles) {
        const deployment = byKind("Deployment").find((d) => d.metadata.name === `agora-${role}`);
        const pod = deployment.spec.template.spec;
        const container = pod.containers[0];
        assert.equal(container.args[0], `--role=${role}`);
        assert.equal(pod.containers.length, 1);
        assert.equal(deployment.spec.template.metadata.labels["app.kubernetes.io/component"], role);
        assert.equal(deployment.spec.template.metadata.labels["app.kubernetes.io/part-of"], "agora");
        assert.ok(container.ports.some((port) => port.name === "admin"), `${role}: admin port`);
        assert.equal(container.livenessProbe.httpGet.path, "/healthz");
        assert.equal(container.readinessProbe.httpGet.path, "/readyz");
        const pause = container.lifecycle.preStop.exec.command;
        assert.deepEqual(pause.slice(0, 2), ["agora", "sleep"]);
        const needed =
          Number(pause[2]) + setting("shutdown.drain_seconds") + setting("shutdown.grace_seconds");
        assert.ok(pod.terminationGracePeriodSeconds > needed, `${role}: grace period`);
      }
    });

    test("only the edge Service is reachable from outside, on 443", () => {
      for (const service of byKind("Service")) {
        const type = service.spec.type ?? "ClusterIP";
        if (service.metadata.name === "agora-edge") {
          assert.deepEqual(service.spec.ports.map((port) => port.port), [443]);
          assert.equal(type, overlay === "prod" ? "LoadBalancer" : "ClusterIP");
        } else {
          assert.ok(!["LoadBalancer", "NodePort"].includes(type), nameOf(service));
        }
      }
    });

    test("NetworkPolicies allow exactly the designed calls", () => {
      const policies = byKind("NetworkPolicy");
      const pods = workloads.map((w) => ({
        name: w.metadata.name,
        labels: podTemplateOf(w).metadata.labels,
      }));
      const denyAll = policies.find(
        (p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress,
      );
      assert.ok(denyAll, "no default-deny policy");
      assert.deepEqual([...denyAll.spec.policyTypes].sort(), ["Egress", "Ingress"]);

      const allows = (direction, policy, peerLabels, port) =>
        (policy.spec[direction] ?? []).some((rule) => {
          const peers = rule[direction === "egress" ? "to" : "from"];
          const peerOk =
            !peers || peers.some((peer) => peer.podSelector && !peer.namespaceSelector &&
              selects(peer.podSelector, peerLabels));
          const portOk = !rule.ports || rule.ports.some((p) => p.port === port);
          return peerOk && portOk;
        });
      const reaches = (source, target, port) =>
        policies.some(
          (p) => p.spec.policyTypes.includes("Egress") && selects(p.spec.podSelector, source.labels) &&
            allows("egress", p, target.labels, port),
        ) &&
        policies.some(
          (p) => p.spec.policyTypes.includes("Ingress") && selects(p.spec.podSelector, target.labels) &&
            allows("ingress", p, source.labels, port),
        );

      const apiCalls = [];
      for (const source of pods) {
        for (const target of pods) {
          if (source !== target && reaches(source, target, 8080)) {
            apiCalls.push(`${source.name} -> ${target.name}`);
          }
        }
      }
      // The edge calls every role, auth and users call each other, and orders calls catalog.
      // Every role also calls auth for its signing keys (JWKS) and service tokens.
      assert.deepEqual(apiCalls.sort(), [
        "agora-auth -> agora-users",
        "agora-catalog -> agora-auth",
        "agora-edge -> agora-auth",
        "agora-edge -> agora-catalog",
        "agora-edge -> agora-orders",
        "agora-edge -> agora-users",
        "agora-orders -> agora-auth",
        "agora-orders -> agora-catalog",
        "agora-users -> agora-auth",
      ]);

      // Nothing reaches an admin port except from outside the namespace (Prometheus).
      for (const source of pods) {
        for (const target of pods) {
          assert.ok(!reaches(source, target, 9090), `${source.name} -> ${target.name}:9090`);
        }
      }
      const metrics = policies.filter((p) =>
        (p.spec.ingress ?? []).some((rule) => rule.ports?.some((port) => port.port === 9090)),
      );
      assert.ok(metrics.length > 0, "no policy lets Prometheus reach the admin ports");
    });
  });
}

describe("edge configuration", () => {
  test("k8s/base/edge matches nginx/ and web/ rendered", () => {
    const expected = renderEdge();
    const files = (dir) =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : [relative(edgeDir, path)];
      });
    const actual = files(edgeDir).filter((path) => path !== "edge.yaml").sort();
    assert.deepEqual(actual, [...expected.keys()].sort(), "run node k8s/tests/render-edge.mjs");
    for (const [path, content] of expected) {
      assert.equal(readFileSync(join(edgeDir, path), "utf8"), content, `${path} is stale`);
    }
  });
});

describe("secrets", () => {
  test("only example secret files are committed; real ones are ignored", () => {
    const tracked = execFileSync("git", ["-C", repository, "ls-files", "k8s/overlays", "docker"], {
      encoding: "utf8",
    })
      .split("\n")
      .filter((path) => /\/secrets\//.test(path));
    for (const path of tracked) assert.match(path, /\.example$/);
    for (const overlay of overlays) {
      const real = `k8s/overlays/${overlay}/secrets/session-keys`;
      assert.equal(
        execFileSync("git", ["-C", repository, "check-ignore", real], { encoding: "utf8" }).trim(),
        real,
      );
    }
  });

  test("every secret file a generator reads has an example", () => {
    for (const overlay of overlays) {
      const kustomization = readFileSync(
        join(repository, "k8s", "overlays", overlay, "kustomization.yaml"),
        "utf8",
      );
      const files = [...kustomization.matchAll(/=(secrets\/[^\s]+)/g)].map((m) => m[1]);
      assert.ok(files.length > 0);
      for (const file of files) {
        assert.ok(
          existsSync(join(repository, "k8s", "overlays", overlay, `${file}.example`)),
          `${overlay}: ${file}.example`,
        );
      }
    }
  });
});
