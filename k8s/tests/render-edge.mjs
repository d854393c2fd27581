// Renders the cluster's edge from nginx/ and web/ into k8s/base/edge/: agora.conf from
// nginx/agora.conf.template, the snippets, the storefront's files, and the kustomization that
// turns them into ConfigMaps (edge.yaml, the Deployment, is written by hand). Run it after
// changing nginx/ or web/:
//   node k8s/tests/render-edge.mjs
// The manifest tests call renderEdge() and fail when the committed files differ.
import { readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const repository = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const edgeDir = join(repository, "k8s", "base", "edge");
const kWebRoot = "/usr/share/agora/web";

// The template's placeholders inside the cluster: nginx-unprivileged listens on 8443 (the
// Service maps 443 to it), the TLS Secret is mounted at /etc/nginx/tls, each upstream is the
// role's Service.
const kValues = {
  LISTEN: "8443",
  SERVER_NAME: "_",
  CERTIFICATE: "/etc/nginx/tls/tls.crt",
  CERTIFICATE_KEY: "/etc/nginx/tls/tls.key",
  ACCESS_LOG: "/dev/stdout",
  // The Pod's /tmp is an emptyDir the unprivileged workers can write.
  AUTH_CACHE_DIR: "/tmp/agora-auth-responses",
  WEB_ROOT: kWebRoot,
  AUTH_SERVER: "agora-auth:8080",
  USERS_SERVER: "agora-users:8080",
  CATALOG_SERVER: "agora-catalog:8080",
  ORDERS_SERVER: "agora-orders:8080",
};

const kNotice = (source) =>
  `# Rendered from ${source} by k8s/tests/render-edge.mjs; change the source and run it again.\n`;

/** Replaces every placeholder of the template; comment lines keep theirs, as documentation. */
export function renderTemplate(text, values) {
  return text
    .split("\n")
    .map((line, index) => {
      if (/^\s*#/.test(line)) return line;
      return line.replace(/@([A-Z_]+)@/g, (match, name) => {
        if (!(name in values)) {
          throw new Error(`nginx/agora.conf.template line ${index + 1}: no value for ${match}`);
        }
        return values[name];
      });
    })
    .join("\n");
}

function filesUnder(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

// The storefront: web/index.html and web/assets/**, as ConfigMap keys ("/" becomes "__").
function storefrontFiles() {
  const web = join(repository, "web");
  const files = [join(web, "index.html"), ...filesUnder(join(web, "assets"))];
  return files.map((path) => {
    const relativePath = relative(web, path);
    return { path: relativePath, key: relativePath.replaceAll("/", "__") };
  });
}

function kustomization(snippets, storefront) {
  const lines = [
    kNotice("nginx/ and web/").trimEnd(),
    "# The edge Deployment (edge.yaml) and the ConfigMaps it mounts.",
    "apiVersion: kustomize.config.k8s.io/v1beta1",
    "kind: Kustomization",
    "resources:",
    "  - edge.yaml",
    "configMapGenerator:",
    "  - name: agora-edge-config",
    "    files:",
    "      - agora.conf",
    "  - name: agora-edge-snippets",
    "    files:",
    ...snippets.map((name) => `      - snippets/${name}`),
    "  - name: agora-edge-web",
    "    files:",
    ...storefront.map((file) => `      - web/${file.key}`),
    "patches:",
    "  # Puts each storefront file at its path under the web root.",
    "  - target:",
    "      kind: Deployment",
    "      name: agora-edge",
    "    patch: |-",
    "      - op: add",
    "        path: /spec/template/spec/volumes/-",
    "        value:",
    "          name: web",
    "          configMap:",
    "            name: agora-edge-web",
    "            items:",
    ...storefront.flatMap((file) => [
      `              - key: ${file.key}`,
      `                path: ${file.path}`,
    ]),
  ];
  return lines.join("\n") + "\n";
}

/** Returns every file of k8s/base/edge except edge.yaml, by path relative to that folder. */
export function renderEdge() {
  const files = new Map();
  const template = readFileSync(join(repository, "nginx", "agora.conf.template"), "utf8");
  files.set("agora.conf", kNotice("nginx/agora.conf.template") + renderTemplate(template, kValues));

  const snippetsDir = join(repository, "nginx", "snippets");
  const snippets = readdirSync(snippetsDir).filter((name) => name.endsWith(".conf")).sort();
  for (const name of snippets) {
    files.set(join("snippets", name), readFileSync(join(snippetsDir, name), "utf8"));
  }
  const storefront = storefrontFiles();
  for (const file of storefront) {
    files.set(join("web", file.key), readFileSync(join(repository, "web", file.path), "utf8"));
  }
  files.set("kustomization.yaml", kustomization(snippets, storefront));
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = renderEdge();
  rmSync(join(edgeDir, "snippets"), { recursive: true, force: true });
  rmSync(join(edgeDir, "web"), { recursive: true, force: true });
  for (const [path, content] of files) {
    mkdirSync(dirname(join(edgeDir, path)), { recursive: true });
    writeFileSync(join(edgeDir, path), content);
  }
  console.log(`render-edge: wrote ${files.size} files to k8s/base/edge`);
}
