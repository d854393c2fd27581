// Renders a kustomize overlay of k8s/ into objects for the manifest tests: with kustomize (a
// `kustomize` binary, else `kubectl kustomize`) where one is installed, else with the built-in
// renderer of kustomize.mjs. AGORA_KUSTOMIZE picks one: builtin, kustomize or kubectl. It works
// on a copy of k8s/ whose secret files are the committed *.example files, so real secrets are
// neither needed nor read.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { build } from "./kustomize.mjs";
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

/**
 * Returns the kustomize command line this machine offers (["kustomize", "build"] or
 * ["kubectl", "kustomize"]), or null when it has neither or AGORA_KUSTOMIZE=builtin.
 */
export function kustomizeCommand() {
  const choice = process.env.AGORA_KUSTOMIZE ?? "";
  const commands = { kustomize: ["kustomize", "build"], kubectl: ["kubectl", "kustomize"] };
  if (choice === "builtin") return null;
  if (choice !== "") {
    if (!(choice in commands)) {
      throw new Error(`AGORA_KUSTOMIZE=${choice}: use builtin, kustomize or kubectl, or unset it`);
    }
    if (!onPath(choice)) throw new Error(`AGORA_KUSTOMIZE=${choice}, but ${choice} is not on PATH`);
    return commands[choice];
  }
  if (onPath("kustomize")) return commands.kustomize;
  if (onPath("kubectl")) return commands.kubectl;
  return null;
}

/** Returns the renderer the manifest tests use: kustomizeCommand(), else "builtin". */
export function defaultRenderer() {
  return kustomizeCommand() ?? "builtin";
}

/** Returns a renderer's name for test titles and messages. */
export function rendererName(renderer) {
  return renderer === "builtin" ? "k8s/tests/kustomize.mjs" : renderer.join(" ");
}

/**
 * Returns every object of k8s/overlays/NAME, rendered by `renderer`: a command line from
 * kustomizeCommand() or "builtin".
 */
export function renderOverlay(name, renderer = defaultRenderer()) {
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
    return renderDirectory(join(copy, "k8s", "overlays", name), renderer);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Returns every object of the kustomization in `dir`, rendered by `renderer`. */
export function renderDirectory(dir, renderer) {
  if (renderer === "builtin") return build(dir);
  const [command, ...args] = renderer;
  const output = execFileSync(command, [...args, dir], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseAllDocuments(output)
    .map((document) => {
      if (document.errors.length > 0) throw document.errors[0];
      return document.toJS();
    })
    .filter((object) => object !== null);
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
