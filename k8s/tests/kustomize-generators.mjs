// The ConfigMaps and Secrets of configMapGenerator and secretGenerator, and the hash suffix that
// kustomize gives their names. Part of the kustomize.mjs renderer.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { Unsupported, addResource, checkFields, inside, isMap } from "./kustomize-objects.mjs";

/** Encodes `bytes` as base64 with a line break after every 70 characters, as kustomize does. */
function wrappedBase64(bytes) {
  const encoded = Buffer.from(bytes).toString("base64");
  if (encoded.length < 70) return encoded;
  let out = "";
  for (let i = 0; i < encoded.length; i += 70) out += `${encoded.slice(i, i + 70)}\n`;
  return out;
}

function checkKey(key, where) {
  if (!/^[-._a-zA-Z0-9]+$/.test(key) || key === "." || key === "..") {
    throw new Error(`${where}: ${JSON.stringify(key)} is not a valid ConfigMap or Secret key`);
  }
  return key;
}

/** Reads the literals and files of a generator entry into a map from key to bytes. */
function generatorData(dir, generator, where) {
  const data = new Map();
  const put = (key, bytes, at) => {
    if (data.has(checkKey(key, at))) throw new Error(`${at}: duplicate key ${key}; remove one`);
    data.set(key, bytes);
  };
  for (const [index, literal] of (generator.literals ?? []).entries()) {
    const at = `${where}.literals[${index}]`;
    const split = String(literal).indexOf("=");
    if (split < 0) throw new Error(`${at}: invalid literal ${literal}; expected KEY=VALUE`);
    let value = String(literal).slice(split + 1);
    if (value.length >= 2 && value[0] === value.at(-1) && `"'`.includes(value[0])) {
      value = value.slice(1, -1);
    }
    put(String(literal).slice(0, split), Buffer.from(value, "utf8"), at);
  }
  for (const [index, source] of (generator.files ?? []).entries()) {
    const at = `${where}.files[${index}]`;
    const split = String(source).indexOf("=");
    const key = split < 0 ? basename(source) : source.slice(0, split);
    const path = inside(dir, split < 0 ? source : source.slice(split + 1), at);
    if (statSync(path).isDirectory()) throw new Unsupported(at, `the directory ${path}`);
    put(key, readFileSync(path), at);
  }
  return data;
}

function generatedObject(kind, generator, data, where) {
  if (kind === "Secret") {
    const encoded = Object.fromEntries(
      [...data].map(([key, bytes]) => [key, wrappedBase64(bytes)]),
    );
    return {
      apiVersion: "v1",
      kind,
      metadata: { name: generator.name },
      type: generator.type ?? "Opaque",
      data: encoded,
    };
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const text = {};
  for (const [key, bytes] of data) {
    try {
      text[key] = decoder.decode(bytes);
    } catch {
      throw new Unsupported(`${where} ${key}`, "a file that is not UTF-8 (binaryData)");
    }
  }
  return { apiVersion: "v1", kind, metadata: { name: generator.name }, data: text };
}

/** Adds the object of a generator entry to `resources`, or merges it into one there. */
export function runGenerator(resources, dir, kind, generator, where) {
  checkFields(
    generator,
    ["name", "behavior", "files", "literals", ...(kind === "Secret" ? ["type"] : [])],
    where,
  );
  if (typeof generator.name !== "string")
    throw new Error(`${where}.name: missing; name the generated object`);
  const object = generatedObject(kind, generator, generatorData(dir, generator, where), where);
  const behavior = generator.behavior ?? "create";
  if (behavior === "create") {
    addResource(resources, { object, generated: true }, where);
    return;
  }
  if (behavior !== "merge") throw new Unsupported(`${where}.behavior`, `behavior ${behavior}`);
  const target = resources.find(
    (record) => record.object.kind === kind && record.object.metadata.name === generator.name,
  );
  if (!target)
    throw new Error(
      `${where}: ${kind} ${generator.name} to merge into not found; generate it first`,
    );
  if (!target.generated) {
    throw new Unsupported(where, `merging into ${kind} ${generator.name}, which no generator made`);
  }
  target.object.data = { ...target.object.data, ...object.data };
}

/** Encodes `value` as Go's encoding/json does: sorted keys, and <, >, &, U+2028/9 escaped. */
function goJson(value) {
  if (typeof value === "string") {
    let out = '"';
    for (const char of value) {
      const code = char.codePointAt(0);
      const short = {
        '"': '\\"',
        "\\": "\\\\",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\b": "\\b",
        "\f": "\\f",
      }[char];
      if (short) out += short;
      else if (code < 0x20 || "<>&".includes(char) || code === 0x2028 || code === 0x2029) {
        out += `\\u${code.toString(16).padStart(4, "0")}`;
      } else if (code >= 0xd800 && code <= 0xdfff) out += "\\ufffd";
      else out += char;
    }
    return `${out}"`;
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${goJson(key)}:${goJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Computes the suffix kustomize appends to a generated ConfigMap's or Secret's name, from the
 * kind, the data and a Secret's type. kustomize's hasher looks the name up by a path that never
 * matches, so the name enters as "" and two objects with equal data get the same suffix.
 */
export function nameHash(object) {
  const fields = { kind: object.kind, name: "", data: object.data ?? "" };
  if (object.kind === "Secret") fields.type = object.type ?? "";
  const hex = createHash("sha256").update(goJson(fields), "utf8").digest("hex");
  const swap = { 0: "g", 1: "h", 3: "k", a: "m", e: "t" };
  return [...hex.slice(0, 10)].map((char) => swap[char] ?? char).join("");
}
