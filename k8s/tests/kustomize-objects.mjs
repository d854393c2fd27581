// The pieces the kustomize.mjs renderer shares: its error for what it does not implement, and
// the identity, namespace and file rules of kustomize's objects.
import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";

const kFixHint =
  "k8s/tests/kustomize.mjs does not implement it: implement it there (and check " +
  "it against kustomize with kustomize.test.mjs) or render with kustomize or kubectl";

/** The error for a feature of kustomize that the renderer does not implement. */
export class Unsupported extends Error {
  constructor(where, feature) {
    super(`${where}: ${feature}; ${kFixHint}`);
  }
}

/** Splits whitespace-separated words into a list. */
export const words = (text) => text.trim().split(/\s+/);

// Kinds without a namespace, as kustomize lists them. The namespace transformer skips them.
export const kClusterKinds = new Set(
  words(`APIService CSIDriver CSINode CertificateSigningRequest Cluster ClusterRole
    ClusterRoleBinding ComponentStatus CustomResourceDefinition MutatingWebhookConfiguration
    Namespace Node PersistentVolume PodSecurityPolicy PriorityClass RuntimeClass
    SelfSubjectAccessReview SelfSubjectRulesReview StorageClass SubjectAccessReview TokenReview
    ValidatingWebhookConfiguration VolumeAttachment`),
);

export const isMap = (value) =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Throws Unsupported for a field of `value` that `allowed` does not name. */
export function checkFields(value, allowed, where) {
  if (!isMap(value))
    throw new Error(`${where}: invalid value ${JSON.stringify(value)}; expected a mapping`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new Unsupported(`${where}.${key}`, `the field "${key}"`);
  }
}

export function gvkOf(object) {
  const [group, version] = object.apiVersion.includes("/")
    ? object.apiVersion.split("/")
    : ["", object.apiVersion];
  return { group, version, kind: object.kind };
}

export const gvkString = ({ group, version, kind }) =>
  [group || "~G", version || "~V", kind || "~K"].join("_");

// kustomize counts an unset namespace and "default" as the same one.
export const effectiveNamespace = (object) =>
  kClusterKinds.has(object.kind) ? "" : object.metadata.namespace || "default";

export const describeObject = (object) => `${object.kind}/${object.metadata.name}`;

/** Resolves `path` in `dir`. Like kustomize, it rejects a file outside the kustomization. */
export function inside(dir, path, where) {
  const full = resolve(dir, path);
  const rel = relative(dir, full);
  if (isAbsolute(path) || rel.startsWith("..")) {
    throw new Error(`${where}: ${path} is outside ${dir}; move the file below that folder`);
  }
  if (!existsSync(full)) throw new Error(`${where}: ${full} not found`);
  return full;
}

/** Adds `record` to `resources`. Like kustomize, it rejects a second object with one identity. */
export function addResource(resources, record, where) {
  const gvk = gvkString(gvkOf(record.object));
  const clash = resources.find(
    (other) =>
      gvkString(gvkOf(other.object)) === gvk &&
      other.object.metadata.name === record.object.metadata.name &&
      effectiveNamespace(other.object) === effectiveNamespace(record.object),
  );
  if (clash)
    throw new Error(`${where}: ${describeObject(record.object)} is defined twice; remove one`);
  resources.push(record);
}
