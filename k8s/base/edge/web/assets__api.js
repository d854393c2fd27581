// The API client and the signed-in session. The access token lives only in this module's
// memory; the refresh token is the HttpOnly cookie the server sets on /api/auth.

/** An API error response, or a network failure (status 0), with its problem details. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let accessToken = null;
let currentUser = null;
let currentSessionId = null;
let refreshing = null;
const listeners = new Set();

/** Returns the signed-in user ({id, email, display_name, roles}) or null. */
export function user() {
  return currentUser;
}

/** Returns true when the signed-in user has the admin role. */
export function isAdmin() {
  return Boolean(currentUser && currentUser.roles.includes('admin'));
}

/** Returns the id of this browser's session, as reported by login and refresh. */
export function sessionId() {
  return currentSessionId;
}

/**
 * Calls `listener(reason)` whenever the session starts or ends. reason: "signed-in",
 * "signed-out" or "signed-out-everywhere" (by the user), or "expired" (the server no longer
 * accepts the session).
 */
export function onSessionChange(listener) {
  listeners.add(listener);
}

function startSession(grant) {
  accessToken = grant.access_token;
  currentUser = grant.user;
  currentSessionId = grant.session_id;
  for (const listener of listeners) listener('signed-in');
}

function endSession(reason) {
  const hadSession = accessToken !== null;
  accessToken = null;
  currentUser = null;
  currentSessionId = null;
  if (hadSession) {
    for (const listener of listeners) listener(reason);
  }
}

const networkProblem = {
  title: 'The shop cannot be reached',
  detail: 'check the connection and try again',
};

async function send(method, path, { body, headers = {}, authenticated }) {
  const init = {
    method,
    headers: { Accept: 'application/json, application/problem+json', ...headers },
    credentials: 'same-origin',
    cache: 'no-store',
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (authenticated && accessToken) init.headers.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError(0, networkProblem);
  }
}

async function readResponse(response, sessionEnded = false) {
  const type = response.headers.get('Content-Type') || '';
  const isJson = type.includes('json');
  let data = null;
  if (response.status !== 204 && isJson) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;
  const problem = data && typeof data === 'object' ? data : {
    title: response.statusText || 'Request failed',
    detail: `the server answered ${response.status}`,
  };
  const error = new ApiError(response.status, problem);
  // The session listener already shows a message and opens the login page.
  error.sessionEnded = sessionEnded;
  throw error;
}

/**
 * Sends a request and returns the parsed JSON body (null for 204). Throws ApiError for an
 * error response. With `authenticated` (the default) the access token is sent, and a 401
 * triggers one refresh and one retry. When those fail too, the session ends ("expired").
 * Options: body (sent as JSON), headers, authenticated.
 */
export async function request(method, path, options = {}) {
  const authenticated = options.authenticated !== false;
  let response = await send(method, path, { ...options, authenticated });
  if (response.status === 401 && authenticated && accessToken !== null) {
    if (!(await refresh())) {
      endSession('expired');
      return readResponse(response, true);
    }
    response = await send(method, path, { ...options, authenticated });
    if (response.status === 401) {
      endSession('expired');
      return readResponse(response, true);
    }
  }
  return readResponse(response);
}

/**
 * Exchanges the refresh cookie for a new access token (the server rotates the cookie).
 * Concurrent callers share one exchange. Resolves true when a session is active afterwards.
 */
export function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const response = await fetch('/api/auth/refresh', {
          method: 'POST',
          credentials: 'same-origin',
          cache: 'no-store',
        });
        if (!response.ok) return false;
        startSession(await response.json());
        return true;
      } catch {
        return false;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

/** Restores the session of an earlier visit from the refresh cookie, if it is still valid. */
export async function restoreSession() {
  return refresh();
}

/** Logs in; throws ApiError (401 for wrong credentials, 429 when throttled). */
export async function login(email, password) {
  const grant = await request('POST', '/api/auth/login', {
    body: { email, password },
    authenticated: false,
  });
  startSession(grant);
}

/** Ends this browser's session on the server (when it still can) and here. */
export async function logout() {
  try {
    await request('POST', '/api/auth/logout');
  } catch {
    // The session may already be gone on the server; it ends here either way.
  }
  endSession('signed-out');
}

/** Ends every session of the user, on every device, and this one here. */
export async function logoutEverywhere() {
  await request('POST', '/api/auth/logout-all');
  endSession('signed-out-everywhere');
}

/** Creates an account; throws ApiError (409 for a taken email, 400 with field errors). */
export async function register(email, password, displayName) {
  return request('POST', '/api/users', {
    body: { email, password, display_name: displayName },
    authenticated: false,
  });
}

/** Builds a query string from an object, leaving out empty values: "?limit=20&q=mug". */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
