// A kustomize renderer in plain JavaScript, so the manifest tests run where neither kustomize nor
// kubectl is installed. It implements the kustomize features that k8s/ uses, as kustomize 5 does.
// Anything else raises an error that names the file and the field. kustomize.test.mjs compares
// its output with kustomize's. Generators are in kustomize-generators.mjs, patches in
// kustomize-patches.mjs.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { nameHash, runGenerator } from "./kustomize-generators.mjs";
import {
  Unsupported,
  addResource,
  checkFields,
  describeObject,
  effectiveNamespace,
  gvkOf,
  gvkString,
  inside,
  isMap,
  kClusterKinds,
  words,
} from "./kustomize-objects.mjs";
import { runPatch } from "./kustomize-patches.mjs";

export { nameHash };

const kKustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const kKustomizationFields = new Set(
  words(
    "apiVersion kind namespace labels resources configMapGenerator secretGenerator patches images",
  ),
);
// Kinds where kustomize's namespace transformer also rewrites fields besides metadata.namespace.
const kNamespaceFieldKinds = new Set(
  words(`RoleBinding ClusterRoleBinding MutatingWebhookConfiguration ValidatingWebhookConfiguration
    APIService CustomResourceDefinition`),
);
// Workloads whose pod template gets the labels of `includeTemplates` and whose references to
// generated ConfigMaps and Secrets are rewritten. The other kinds with a pod template are rejected.
const kTemplateKinds = new Set(words("Deployment StatefulSet Job"));
const kOtherTemplateKinds = new Set(words("DaemonSet ReplicaSet CronJob ReplicationController"));
// kustomize's legacy output order puts these kinds first, in this order, and these last. All
// other kinds sort in between by group, version and kind.
const kOrderFirst = words(`Namespace ResourceQuota StorageClass CustomResourceDefinition
  ServiceAccount PodSecurityPolicy Role ClusterRole RoleBinding ClusterRoleBinding ConfigMap
  Secret Endpoints Service LimitRange PriorityClass PersistentVolume PersistentVolumeClaim
  Deployment StatefulSet CronJob PodDisruptionBudget`);
const kOrderLast = words("MutatingWebhookConfiguration ValidatingWebhookConfiguration");

function readKustomization(dir) {
  const names = kKustomizationNames.filter((name) => existsSync(join(dir, name)));
  if (names.length !== 1) {
    throw new Error(
      `${dir}: kustomization not found (expected one of ${kKustomizationNames.join(", ")}, ` +
        `found ${names.length})`,
    );
  }
  const file = join(dir, names[0]);
  const spec = parse(readFileSync(file, "utf8")) ?? {};
  for (const key of Object.keys(spec)) {
    if (!kKustomizationFields.has(key))
      throw new Unsupported(`${file} ${key}`, `the field "${key}"`);
  }
  if (spec.apiVersion !== "kustomize.config.k8s.io/v1beta1" || spec.kind !== "Kustomization") {
    throw new Error(
      `${file}: invalid apiVersion ${spec.apiVersion} or kind ${spec.kind}; expected ` +
        "kustomize.config.k8s.io/v1beta1 and Kustomization",
    );
  }
  return { file, spec };
}

function loadResources(dir, entry, where) {
  if (typeof entry !== "string" || /^[a-z][a-z0-9+.-]*:|^github\.com\//i.test(entry)) {
    throw new Unsupported(where, `the remote or non-path resource ${JSON.stringify(entry)}`);
  }
  const path = resolve(dir, entry);
  if (!existsSync(path)) throw new Error(`${where}: ${path} not found`);
  if (statSync(path).isDirectory()) return accumulate(path);
  const file = inside(dir, entry, where);
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
      return document.toJS();
    })
    .filter((object) => object !== null)
    .map((object) => {
      if (!isMap(object) || !object.apiVersion || !object.kind || !object.metadata?.name) {
        throw new Error(`${file}: a document is missing apiVersion, kind or metadata.name`);
      }
      if (object.kind.endsWith("List")) throw new Unsupported(file, `the ${object.kind} kind`);
      return { object, generated: false };
    });
}

function setNamespace(resources, namespace, where) {
  for (const { object } of resources) {
    if (kNamespaceFieldKinds.has(object.kind)) {
      throw new Unsupported(where, `the namespace transformer on ${describeObject(object)}`);
    }
    if (!kClusterKinds.has(object.kind)) object.metadata.namespace = namespace;
  }
}

function addLabels(resources, label, where) {
  checkFields(label, ["pairs", "includeTemplates", "includeSelectors"], where);
  if (label.includeSelectors)
    throw new Unsupported(`${where}.includeSelectors`, "includeSelectors");
  for (const [key, value] of Object.entries(label.pairs ?? {})) {
    if (typeof value !== "string")
      throw new Error(`${where}.pairs.${key}: invalid value ${value}; quote it as a string`);
  }
  for (const { object } of resources) {
    object.metadata.labels = { ...object.metadata.labels, ...label.pairs };
    if (!label.includeTemplates) continue;
    if (kOtherTemplateKinds.has(object.kind)) {
      throw new Unsupported(`${where}.includeTemplates`, `template labels on a ${object.kind}`);
    }
    if (kTemplateKinds.has(object.kind)) {
      const template = ((object.spec ??= {}).template ??= {});
      const metadata = (template.metadata ??= {});
      metadata.labels = { ...metadata.labels, ...label.pairs };
    }
  }
}

/** Splits an image reference into name, tag and digest. */
function splitImage(image) {
  const at = image.indexOf("@");
  const digest = at < 0 ? "" : image.slice(at + 1);
  const rest = at < 0 ? image : image.slice(0, at);
  const colon = rest.lastIndexOf(":");
  if (colon < 0 || colon < rest.lastIndexOf("/")) return { name: rest, tag: "", digest };
  return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
}

function setImages(resources, image, where) {
  checkFields(image, ["name", "newName", "newTag"], where);
  // kustomize matches the name as a regular expression, followed by an optional tag or digest.
  const matches = new RegExp(`^${image.name}(@sha256)?(:[a-zA-Z0-9_.{}-]*)?$`);
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isMap(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === "containers" || key === "initContainers") && Array.isArray(value)) {
        for (const container of value) {
          if (typeof container?.image !== "string" || !matches.test(container.image)) continue;
          const parts = splitImage(container.image);
          const name = image.newName ?? parts.name;
          const tag = image.newTag !== undefined ? String(image.newTag) : parts.tag;
          const digest = image.newTag !== undefined ? "" : parts.digest;
          container.image = name + (tag ? `:${tag}` : "") + (digest ? `@${digest}` : "");
        }
      }
      visit(value);
    }
  };
  for (const { object } of resources) visit(object);
}

function accumulate(dir) {
  const { file, spec } = readKustomization(dir);
  const resources = [];
  for (const [index, entry] of (spec.resources ?? []).entries()) {
    for (const record of loadResources(dir, entry, `${file} resources[${index}]`)) {
      addResource(resources, record, `${file} resources[${index}]`);
    }
  }
  (spec.configMapGenerator ?? []).forEach((generator, index) =>
    runGenerator(resources, dir, "ConfigMap", generator, `${file} configMapGenerator[${index}]`),
  );
  (spec.secretGenerator ?? []).forEach((generator, index) =>
    runGenerator(resources, dir, "Secret", generator, `${file} secretGenerator[${index}]`),
  );
  (spec.patches ?? []).forEach((patch, index) =>
    runPatch(resources, dir, patch, `${file} patches[${index}]`),
  );
  if (spec.namespace !== undefined) setNamespace(resources, spec.namespace, `${file} namespace`);
  (spec.labels ?? []).forEach((label, index) =>
    addLabels(resources, label, `${file} labels[${index}]`),
  );
  (spec.images ?? []).forEach((image, index) =>
    setImages(resources, image, `${file} images[${index}]`),
  );
  return resources;
}

/** Points a workload's volumes, projected sources, envFrom and env at the renamed objects. */
function fixReferences(object, renamed) {
  if (!kTemplateKinds.has(object.kind)) return;
  const pod = object.spec?.template?.spec ?? {};
  const namespace = effectiveNamespace(object);
  const point = (kind, holder, field) => {
    if (!isMap(holder)) return;
    const to = renamed.get(`${kind}|${namespace}|${holder[field]}`);
    if (to === undefined) return;
    holder[field] = to;
  };
  for (const volume of pod.volumes ?? []) {
    point("ConfigMap", volume.configMap, "name");
    point("Secret", volume.secret, "secretName");
    for (const source of volume.projected?.sources ?? []) {
      point("ConfigMap", source.configMap, "name");
      point("Secret", source.secret, "name");
    }
  }
  for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    for (const from of container.envFrom ?? []) {
      point("ConfigMap", from.configMapRef, "name");
      point("Secret", from.secretRef, "name");
    }
    for (const variable of container.env ?? []) {
      point("ConfigMap", variable.valueFrom?.configMapKeyRef, "name");
      point("Secret", variable.valueFrom?.secretKeyRef, "name");
    }
  }
}

/**
 * Throws when a field under a configMap- or secret-like key still names a generated object by its
 * name before the hash. kustomize rewrites such a reference, but this renderer does not.
 * NOTE: a reference under a key without "configMap" or "secret" in it passes unnoticed.
 */
function checkNoStaleReference(object, oldNames) {
  const visit = (node, path, referenceLike) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}[${index}]`, referenceLike));
      return;
    }
    if (!isMap(node)) return;
    if (referenceLike) {
      for (const field of ["name", "secretName"]) {
        if (oldNames.has(node[field])) {
          throw new Unsupported(
            `${describeObject(object)} ${path}.${field}`,
            `rewriting this reference to the generated ${oldNames.get(node[field])}`,
          );
        }
      }
    }
    for (const [key, value] of Object.entries(node)) {
      visit(value, path ? `${path}.${key}` : key, /configmap|secret/i.test(key));
    }
  };
  visit(object, "", false);
}

function legacyCompare(a, b) {
  const order = (kind) => {
    const first = kOrderFirst.indexOf(kind);
    if (first >= 0) return first - kOrderFirst.length;
    const last = kOrderLast.indexOf(kind);
    return last >= 0 ? last + 1 : 0;
  };
  const [ga, gb] = [gvkString(gvkOf(a)), gvkString(gvkOf(b))];
  if (ga !== gb) {
    if (order(a.kind) !== order(b.kind)) return order(a.kind) - order(b.kind);
    return ga < gb ? -1 : 1;
  }
  const id = (o) => `${ga}|${o.metadata.namespace || "~X"}|${o.metadata.name}`;
  return id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0;
}

/** Renders the kustomization in `dir` as `kustomize build DIR` does, as a list of objects. */
export function build(dir) {
  const resources = accumulate(resolve(dir));
  const renamed = new Map();
  const oldNames = new Map();
  for (const { object } of resources.filter((record) => record.generated)) {
    const from = object.metadata.name;
    object.metadata.name = `${from}-${nameHash(object)}`;
    renamed.set(`${object.kind}|${effectiveNamespace(object)}|${from}`, object.metadata.name);
    oldNames.set(from, `${object.kind} ${from}`);
  }
  for (const { object } of resources) fixReferences(object, renamed);
  for (const { object, generated } of resources) {
    if (!generated) checkNoStaleReference(object, oldNames);
  }
  return resources.map((record) => record.object).sort(legacyCompare);
}
