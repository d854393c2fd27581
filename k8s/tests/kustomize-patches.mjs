// The `patches` of a kustomization: JSON patches (RFC 6902) with a target, and strategic merge
// patches of the list fields listed here. Part of the kustomize.mjs renderer.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import {
  Unsupported,
  checkFields,
  describeObject,
  effectiveNamespace,
  gvkOf,
  gvkString,
  inside,
  isMap,
  words,
} from "./kustomize-objects.mjs";

// Lists that a strategic merge patch replaces whole, because their API types declare no merge key.
const kAtomicLists = new Map([
  ["NetworkPolicy", words("spec.ingress spec.egress spec.policyTypes")],
]);

function selected(object, target, where) {
  checkFields(target, ["group", "version", "kind", "name", "namespace"], where);
  const gvk = gvkOf(object);
  const values = { ...gvk, name: object.metadata.name, namespace: object.metadata.namespace ?? "" };
  return Object.entries(target).every(([field, pattern]) =>
    new RegExp(`^(?:${pattern})$`).test(values[field]),
  );
}

function pointer(path, where) {
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new Error(`${where}.path: invalid JSON pointer ${JSON.stringify(path)}`);
  }
  return path
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function applyOperation(object, operation, where) {
  checkFields(operation, ["op", "path", "value"], where);
  if (!["add", "remove", "replace"].includes(operation.op)) {
    throw new Unsupported(`${where}.op`, `the JSON patch operation ${operation.op}`);
  }
  const tokens = pointer(operation.path, where);
  const last = tokens.pop();
  let parent = object;
  for (const token of tokens) {
    const next = Array.isArray(parent) ? parent[Number(token)] : parent?.[token];
    if (next === undefined || typeof next !== "object" || next === null) {
      throw new Error(`${where}: ${operation.path} not found in ${describeObject(object)}`);
    }
    parent = next;
  }
  const value = structuredClone(operation.value);
  if (Array.isArray(parent)) {
    const index = last === "-" && operation.op === "add" ? parent.length : Number(last);
    const limit = operation.op === "add" ? parent.length : parent.length - 1;
    if (!/^(0|[1-9][0-9]*|-)$/.test(last) || !(index <= limit)) {
      throw new Error(
        `${where}: index ${last} of ${operation.path} not found in ${describeObject(object)}`,
      );
    }
    if (operation.op === "add") parent.splice(index, 0, value);
    else if (operation.op === "remove") parent.splice(index, 1);
    else parent[index] = value;
  } else {
    if (operation.op !== "add" && !Object.hasOwn(parent, last)) {
      throw new Error(`${where}: ${operation.path} not found in ${describeObject(object)}`);
    }
    if (operation.op === "remove") delete parent[last];
    else parent[last] = value;
  }
}

function strategicMerge(target, patch, kind, path, where) {
  for (const [key, value] of Object.entries(patch)) {
    const at = path ? `${path}.${key}` : key;
    if (key.startsWith("$")) throw new Unsupported(`${where} ${at}`, `the directive ${key}`);
    if (value === null) {
      delete target[key];
    } else if (Array.isArray(value)) {
      if (!(kAtomicLists.get(kind) ?? []).includes(at)) {
        throw new Unsupported(`${where} ${at}`, `a strategic merge of the ${kind} list ${at}`);
      }
      target[key] = structuredClone(value);
    } else if (isMap(value)) {
      if (!isMap(target[key])) target[key] = {};
      strategicMerge(target[key], value, kind, at, where);
    } else {
      target[key] = value;
    }
  }
}

/** Applies one entry of `patches` to the objects it targets. */
export function runPatch(resources, dir, patch, where) {
  checkFields(patch, ["path", "patch", "target"], where);
  if ((patch.path === undefined) === (patch.patch === undefined)) {
    throw new Error(`${where}: invalid patch; set exactly one of path and patch`);
  }
  const source = patch.path !== undefined ? inside(dir, patch.path, `${where}.path`) : where;
  const text = patch.path !== undefined ? readFileSync(source, "utf8") : patch.patch;
  const documents = parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0].message}`);
      return document.toJS();
    })
    .filter((document) => document !== null);
  if (documents.length === 1 && Array.isArray(documents[0])) {
    if (!patch.target) throw new Unsupported(where, "a JSON patch without a target");
    const targets = resources.filter((record) =>
      selected(record.object, patch.target, `${where}.target`),
    );
    if (targets.length === 0) throw new Error(`${where}.target: no object found; fix the target`);
    for (const { object } of targets) {
      documents[0].forEach((operation, index) =>
        applyOperation(object, operation, `${source} [${index}]`),
      );
    }
    return;
  }
  if (patch.target)
    throw new Unsupported(`${where}.target`, "a strategic merge patch with a target");
  for (const document of documents) {
    if (!isMap(document) || !document.apiVersion || !document.kind || !document.metadata?.name) {
      throw new Error(
        `${source}: a strategic merge patch is missing apiVersion, kind or metadata.name`,
      );
    }
    const targets = resources.filter(
      ({ object }) =>
        gvkString(gvkOf(object)) === gvkString(gvkOf(document)) &&
        object.metadata.name === document.metadata.name &&
        (document.metadata.namespace === undefined ||
          effectiveNamespace(object) === effectiveNamespace(document)),
    );
    if (targets.length !== 1) {
      throw new Error(
        `${source}: ${describeObject(document)} matches ${targets.length} objects; expected one`,
      );
    }
    strategicMerge(targets[0].object, document, document.kind, "", source);
  }
}
