// Renders a kustomize overlay of k8s/ into objects for the manifest tests. Kustomize itself
// renders (a `kustomize` binary, else `kubectl kustomize`). It works on a copy of k8s/ whose
// secret files are the committed *.example files, so real secrets are neither needed nor read.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { repository } from "./render-edge.mjs";

export const overlays = ["dev", "prod"];

function onPath(command) {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Returns the kustomize command line available on this machine. */
export function kustomizeCommand() {
  if (onPath("kustomize")) return ["kustomize", "build"];
  if (onPath("kubectl")) return ["kubectl", "kustomize"];
  throw new Error(
    "neither kustomize nor kubectl is installed: the manifest tests render the overlays with " +
      "one of them (kubectl kustomize or a kustomize binary on PATH)",
  );
}

/** Returns every object of k8s/overlays/NAME as kustomize renders it. */
export function renderOverlay(name) {
  const copy = mkdtempSync(join(tmpdir(), "agora-k8s-"));
  try {
    cpSync(join(repository, "k8s"), join(copy, "k8s"), {
      recursive: true,
      filter: (source) => {
        if (source.includes("node_modules")) return false;
        // Real secret files stay behind; only the examples are copied.
        return !/\/secrets\/[^/]+$/.test(source) || source.endsWith(".example");
      },
    });
    const secrets = join(copy, "k8s", "overlays", name, "secrets");
    for (const file of readdirSync(secrets).filter((f) => f.endsWith(".example"))) {
      copyFileSync(join(secrets, file), join(secrets, file.slice(0, -".example".length)));
    }
    const [command, ...args] = kustomizeCommand();
    const output = execFileSync(command, [...args, join(copy, "k8s", "overlays", name)], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return parseAllDocuments(output)
      .map((document) => {
        if (document.errors.length > 0) throw document.errors[0];
        return document.toJS();
      })
      .filter((object) => object !== null);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Returns the pod template of a workload, or undefined for other objects. */
export function podTemplateOf(object) {
  if (["Deployment", "StatefulSet", "Job", "DaemonSet"].includes(object.kind)) {
    return object.spec.template;
  }
  return undefined;
}

/** Returns true when `labels` meet every matchLabels and matchExpressions term of `selector`. */
export function selects(selector, labels) {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const term of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(labels, term.key);
    if (term.operator === "In" && !(present && term.values.includes(labels[term.key]))) {
      return false;
    }
    if (term.operator === "NotIn" && present && term.values.includes(labels[term.key])) {
      return false;
    }
    if (term.operator === "Exists" && !present) return false;
    if (term.operator === "DoesNotExist" && present) return false;
  }
  return true;
}
