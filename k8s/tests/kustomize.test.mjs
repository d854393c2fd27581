// Checks kustomize.mjs, the renderer the manifest tests use where kustomize and kubectl are
// missing. Where one is installed, every overlay and a fixture that uses each feature must render
// as kustomize renders them. Everywhere, the fixture's generated names must be kustomize's, and
// anything the renderer does not implement must fail with the field named.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { build } from "./kustomize.mjs";
import { kustomizeCommand, overlays, renderDirectory, renderOverlay } from "./render.mjs";

const command = kustomizeCommand();
const kNotCompared =
  "no kustomize or kubectl on PATH (or AGORA_KUSTOMIZE=builtin), so the built-in renderer " +
  "was NOT compared with kustomize; the manifest checks ran on it alone";

const idOf = (object) =>
  `${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name}`;

function assertSameRendering(actual, expected) {
  assert.deepEqual(actual.map(idOf), expected.map(idOf), "objects, in kustomize's order");
  expected.forEach((object, index) => assert.deepStrictEqual(actual[index], object, idOf(object)));
}

// A base with a sub-kustomization and an overlay that together use every feature kustomize.mjs
// implements.
const kKustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
const kFixture = {
  "base/kustomization.yaml": `${kKustomization}
labels:
  - pairs:
      app.kubernetes.io/part-of: demo
    includeTemplates: true
resources:
  - app.yaml
  - web
configMapGenerator:
  - name: settings
    literals:
      - MODE="fast"
      - MARKUP=<b>&amp;</b>
  - name: settings-file
    files:
      - app.properties
images:
  - name: demo
    newName: registry.example.com/demo
    newTag: "1.0"
`,
  "base/app.properties": 'a = 1\n\tindented \u2028 separated\nquote " backslash \\ end\n',
  "base/app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: demo
          envFrom:
            - configMapRef: {name: settings}
          env:
            - name: TOKEN
              valueFrom:
                secretKeyRef: {name: token, key: token}
            - name: MODE
              valueFrom:
                configMapKeyRef: {name: settings, key: MODE}
      volumes:
        - name: file
          configMap: {name: settings-file}
        - name: both
          projected:
            sources:
              - configMap: {name: settings}
              - secret: {name: token}
        - name: tls
          secret: {secretName: tls}
        - name: kept
          secret: {secretName: not-generated}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: demo:old
          envFrom:
            - secretRef: {name: token}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: egress
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock: {cidr: 10.0.0.0/8}
`,
  "base/web/kustomization.yaml": `${kKustomization}
resources:
  - web.yaml
configMapGenerator:
  - name: web-files
    files:
      - page=index.html
patches:
  - target:
      kind: StatefulSet
      name: web
    patch: |-
      - op: add
        path: /spec/template/spec/volumes/-
        value:
          name: files
          configMap: {name: web-files}
      - op: add
        path: /spec/template/spec/volumes/0
        value: {name: first, emptyDir: {}}
      - op: replace
        path: /spec/replicas
        value: 3
      - op: remove
        path: /spec/template/spec/containers/0/args
`,
  "base/web/index.html": "<!doctype html><p>hello & welcome</p>\n",
  "base/web/web.yaml": `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labels: {app: web}
spec:
  serviceName: web
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
        - name: init
          image: demo@sha256:${"ab".repeat(32)}
      containers:
        - name: web
          image: other:2
          args: [--flag]
      volumes:
        - name: tmp
          emptyDir: {}
`,
  "overlay/kustomization.yaml": `${kKustomization}
namespace: demo-ns
resources:
  - namespace.yaml
  - ../base
configMapGenerator:
  - name: settings
    behavior: merge
    literals:
      - MODE=slow
      - EXTRA='quoted value'
secretGenerator:
  - name: token
    files:
      - token=secrets/token
  - name: tls
    type: kubernetes.io/tls
    files:
      - tls.crt=secrets/tls.crt
      - tls.key=secrets/tls.key
patches:
  - path: egress.yaml
`,
  "overlay/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo-ns\n",
  "overlay/egress.yaml": `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: egress
spec:
  egress:
    - to:
        - ipBlock: {cidr: 192.0.2.1/32}
      ports:
        - {protocol: TCP, port: 5432}
`,
  "overlay/secrets/token": "t".repeat(52),
  "overlay/secrets/tls.crt":
    `-----BEGIN CERTIFICATE-----\n${"C".repeat(120)}\n` + "-----END CERTIFICATE-----\n",
  "overlay/secrets/tls.key": "k".repeat(51),
};

const temporary = mkdtempSync(join(tmpdir(), "agora-kustomize-"));
after(() => rmSync(temporary, { recursive: true, force: true }));

/** Writes `files` (the fixture, changed by `changes`) under a new folder and returns it. */
function writeFixture(changes = {}) {
  const root = mkdtempSync(join(temporary, "fixture-"));
  for (const [path, content] of Object.entries({ ...kFixture, ...changes })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe("kustomize.mjs", () => {
  for (const overlay of overlays) {
    test(`renders overlay ${overlay} like kustomize`, (t) => {
      if (!command) return t.skip(kNotCompared);
      assertSameRendering(renderOverlay(overlay, "builtin"), renderOverlay(overlay, command));
    });
  }

  test("renders the fixture like kustomize", (t) => {
    if (!command) return t.skip(kNotCompared);
    const overlay = join(writeFixture(), "overlay");
    assertSameRendering(build(overlay), renderDirectory(overlay, command));
  });

  test("names and references match kustomize", () => {
    const objects = build(join(writeFixture(), "overlay"));
    const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    // The names kustomize 5.5 (kubectl 1.32) gives the fixture's generated objects: the hash
    // covers Go's JSON escaping (<, &, U+2028), base64 line breaks, a merge and a Secret type.
    const names = objects
      .filter((o) => ["ConfigMap", "Secret"].includes(o.kind))
      .map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(names, [
      "ConfigMap/settings-file-664687786t",
      "ConfigMap/settings-k2hk55t278",
      "ConfigMap/web-files-dt6g8m5252",
      "Secret/tls-dh62fttfgt",
      "Secret/token-6bb75k2c67",
    ]);
    assert.deepEqual(objects.map((o) => o.kind)[0], "Namespace");
    assert.equal(find("Namespace", "demo-ns").metadata.namespace, undefined);

    const settings = find("ConfigMap", "settings-k2hk55t278");
    assert.deepEqual(settings.data, {
      MODE: "slow",
      MARKUP: "<b>&amp;</b>",
      EXTRA: "quoted value",
    });
    assert.equal(settings.metadata.namespace, "demo-ns");
    assert.equal(settings.metadata.labels["app.kubernetes.io/part-of"], "demo");
    assert.equal(find("Secret", "tls-dh62fttfgt").type, "kubernetes.io/tls");
    assert.equal(find("Secret", "token-6bb75k2c67").type, "Opaque");
    assert.equal(find("Secret", "token-6bb75k2c67").metadata.labels, undefined);

    const app = find("Deployment", "app");
    const pod = app.spec.template.spec;
    assert.equal(app.spec.template.metadata.labels["app.kubernetes.io/part-of"], "demo");
    assert.equal(app.spec.selector.matchLabels["app.kubernetes.io/part-of"], undefined);
    assert.equal(pod.containers[0].image, "registry.example.com/demo:1.0");
    assert.equal(pod.containers[0].envFrom[0].configMapRef.name, "settings-k2hk55t278");
    assert.equal(pod.containers[0].env[0].valueFrom.secretKeyRef.name, "token-6bb75k2c67");
    assert.equal(pod.containers[0].env[1].valueFrom.configMapKeyRef.name, "settings-k2hk55t278");
    assert.deepEqual(
      pod.volumes.map((v) => v.configMap?.name ?? v.secret?.secretName),
      ["settings-file-664687786t", undefined, "tls-dh62fttfgt", "not-generated"],
    );
    assert.deepEqual(pod.volumes[1].projected.sources, [
      { configMap: { name: "settings-k2hk55t278" } },
      { secret: { name: "token-6bb75k2c67" } },
    ]);
    const job = find("Job", "migrate").spec.template;
    assert.equal(job.spec.containers[0].envFrom[0].secretRef.name, "token-6bb75k2c67");
    assert.equal(job.spec.containers[0].image, "registry.example.com/demo:1.0");
    assert.equal(job.metadata.labels["app.kubernetes.io/part-of"], "demo");

    const web = find("StatefulSet", "web");
    assert.equal(web.spec.replicas, 3);
    assert.deepEqual(web.spec.template.spec.containers[0], { name: "web", image: "other:2" });
    assert.equal(web.spec.template.spec.initContainers[0].image, `registry.example.com/demo:1.0`);
    assert.deepEqual(
      web.spec.template.spec.volumes.map((volume) => volume.name),
      ["first", "tmp", "files"],
    );
    assert.deepEqual(web.spec.template.spec.volumes.at(-1), {
      name: "files",
      configMap: { name: "web-files-dt6g8m5252" },
    });
    assert.deepEqual(find("NetworkPolicy", "egress").spec.egress, [
      { to: [{ ipBlock: { cidr: "192.0.2.1/32" } }], ports: [{ protocol: "TCP", port: 5432 }] },
    ]);
  });

  // Each change brings in something kustomize.mjs does not implement; the error must name it.
  const unsupported = {
    "a kustomization field": [
      { "overlay/kustomization.yaml": `${kFixture["overlay/kustomization.yaml"]}nameSuffix: -x\n` },
      /overlay\/kustomization\.yaml nameSuffix: the field "nameSuffix"/,
    ],
    "a generator field": [
      {
        "base/kustomization.yaml": kFixture["base/kustomization.yaml"].replace(
          "  - name: settings-file\n",
          "  - name: settings-file\n    envs: [a.env]\n",
        ),
      },
      /configMapGenerator\[1\]\.envs: the field "envs"/,
    ],
    "a generator behavior": [
      {
        "overlay/kustomization.yaml": kFixture["overlay/kustomization.yaml"].replace(
          "behavior: merge",
          "behavior: replace",
        ),
      },
      /configMapGenerator\[0\]\.behavior: behavior replace/,
    ],
    "a JSON patch operation": [
      {
        "base/web/kustomization.yaml": kFixture["base/web/kustomization.yaml"].replace(
          "op: remove",
          "op: move",
        ),
      },
      /\[3\]\.op: the JSON patch operation move/,
    ],
    "a strategic merge of a list with a merge key": [
      {
        "overlay/egress.yaml":
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n" +
          "spec:\n  template:\n    spec:\n      containers:\n" +
          "        - name: app\n          image: x\n",
      },
      /spec\.template\.spec\.containers: a strategic merge of the Deployment list/,
    ],
    "a reference it does not rewrite": [
      {
        "base/app.yaml": kFixture["base/app.yaml"].replace(
          "      containers:\n        - name: app\n",
          "      imagePullSecrets:\n        - name: token\n" +
            "      containers:\n        - name: app\n",
        ),
      },
      /spec\.imagePullSecrets\[0\]\.name: rewriting this reference to the generated Secret token/,
    ],
    "label selectors": [
      {
        "base/kustomization.yaml": kFixture["base/kustomization.yaml"].replace(
          "includeTemplates: true",
          "includeSelectors: true",
        ),
      },
      /labels\[0\]\.includeSelectors/,
    ],
  };
  for (const [what, [changes, message]] of Object.entries(unsupported)) {
    test(`rejects ${what}, naming it`, () => {
      const overlay = join(writeFixture(changes), "overlay");
      assert.throws(
        () => build(overlay),
        (error) => {
          assert.match(error.message, message);
          assert.match(error.message, /k8s\/tests\/kustomize\.mjs does not implement it/);
          return true;
        },
      );
    });
  }
});
