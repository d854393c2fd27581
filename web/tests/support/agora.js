// Starts the agora binary with every role for the browser tests, or uses the running nginx
// topology named by AGORA_TOPOLOGY_ENV, and offers API calls for setup and asserts.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repository = path.resolve(here, '..', '..', '..');

const adminEmail = 'admin@agora.local';
const adminPassword = 'storefront admin password 7';
const startTimeoutMs = 30000;

/**
 * Reads the started line ({"event":"started","api_port":...}) from agora's JSON log on stdout
 * and resolves its API port.
 */
function waitForStart(child, log) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(
      `agora did not start within ${startTimeoutMs} ms; its output:\n${log.join('')}`)),
    startTimeoutMs);
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        log.push(`${line}\n`);
        try {
          const entry = JSON.parse(line);
          if (entry.event === 'started') {
            clearTimeout(timer);
            resolve(entry.api_port);
          }
        } catch {
          // Not a JSON line; kept in the log for the failure message.
        }
      }
    });
    child.stderr.on('data', (chunk) => log.push(String(chunk)));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`agora exited (${code ?? signal}) before it started:\n${log.join('')}`));
    });
  });
}

/** Reads the KEY=VALUE lines of scripts/topology.sh's topology.env. */
function readEnvironmentFile(file) {
  const values = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) values[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return values;
}

/**
 * Returns the shop under test: {baseUrl, adminEmail, adminPassword, stop()}. With
 * AGORA_TOPOLOGY_ENV (the topology.env of scripts/topology.sh) this is the running topology
 * behind nginx. Otherwise it starts AGORA_BINARY (default build/debug/agora) with every role on
 * free loopback ports, a temporary data folder and a known demo admin password.
 */
export async function startShop() {
  if (process.env.AGORA_TOPOLOGY_ENV) {
    const topology = readEnvironmentFile(process.env.AGORA_TOPOLOGY_ENV);
    if (!topology.EDGE_URL || !topology.ADMIN_PASSWORD_FILE) {
      throw new Error(`${process.env.AGORA_TOPOLOGY_ENV} names no EDGE_URL or ` +
        'ADMIN_PASSWORD_FILE: start the topology with scripts/topology.sh start');
    }
    return {
      baseUrl: topology.EDGE_URL.replace(/\/$/, ''),
      adminEmail: topology.ADMIN_EMAIL || adminEmail,
      adminPassword: readFileSync(topology.ADMIN_PASSWORD_FILE, 'utf8').trim(),
      stop: async () => {},
    };
  }

  const binary = process.env.AGORA_BINARY || path.join(repository, 'build', 'debug', 'agora');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'agora-storefront-'));
  const child = spawn(binary, ['--role=all', '--seed-demo', '--port', '0', '--admin-port', '0',
    '--data-dir', dataDir], {
    env: {
      ...process.env,
      AGORA_DEMO_ADMIN__EMAIL: adminEmail,
      AGORA_DEMO_ADMIN__PASSWORD: adminPassword,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  let port;
  try {
    port = await waitForStart(child, log);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    baseUrl: `https://localhost:${port}`,
    adminEmail,
    adminPassword,
    log,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(killer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Returns `url` with "localhost" replaced by 127.0.0.1, for requests made from node. The browser
 * resolves "localhost" itself, but node uses the system resolver, and a minimal system may have
 * no /etc/hosts. The edge serves the same site on 127.0.0.1.
 */
export function loopbackUrl(url) {
  return url.replace('://localhost:', '://127.0.0.1:');
}

/** Creates an API client with its own cookies: {call(method, path, options), login(...)}. */
export async function apiClient(baseUrl) {
  const context = await request.newContext({
    baseURL: loopbackUrl(baseUrl),
    ignoreHTTPSErrors: true,
  });
  async function call(method, urlPath, { body, token, headers = {} } = {}) {
    const response = await context.fetch(urlPath, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
      data: body,
    });
    const text = await response.text();
    const isJson = (response.headers()['content-type'] || '').includes('json');
    return {
      status: response.status(),
      headers: response.headers(),
      text,
      json: isJson && text ? JSON.parse(text) : null,
    };
  }
  return {
    call,
    async login(email, password) {
      const response = await call('POST', '/api/auth/login', { body: { email, password } });
      if (response.status !== 200) {
        throw new Error(`login of ${email} answered ${response.status}`);
      }
      return response.json.access_token;
    },
    dispose: () => context.dispose(),
  };
}

/** Returns a new email address per call, so tests never share accounts. */
export function uniqueEmail(name) {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `${name}.${suffix}@example.com`;
}
