// The board's one way to the API: every request goes through here, so that
// a lost session sends the officer to the login page, and cookie-borne
// writes carry the X-CSRF-Token header that double-submits the readable
// rw_csrf cookie.

// HTTPError is a failed request: status is the HTTP status, message the
// API's {"error": ...} text when it sent one.
export class HTTPError extends Error {
  constructor(path, status, message) {
    super(message ? `${path}: ${message}` : `${path}: HTTP ${status}`);
    this.path = path;
    this.status = status;
    this.apiMessage = message || '';
  }
}

// csrfToken is the value of the rw_csrf cookie, '' without one.
export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'rw_csrf') return decodeURIComponent(v.join('='));
  }
  return '';
}

let redirecting = false;

// toLogin leaves for the login page, remembering where the officer was.
export function toLogin() {
  if (redirecting) return;
  redirecting = true;
  const back = location.pathname + location.search;
  location.assign(`/login.html?next=${encodeURIComponent(back)}`);
}

// api sends one request. body, when given, is sent as JSON (or as is for a
// string with opts.type). A 401 leaves for the login page; any other
// failure throws an HTTPError.
export async function api(path, opts = {}) {
  const method = (opts.method || 'GET').toUpperCase();
  const headers = { Accept: opts.accept || 'application/json' };
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = opts.type || 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const t = csrfToken();
    if (t) headers['X-CSRF-Token'] = t;
  }
  const res = await fetch(path, { method, headers, body, signal: opts.signal, credentials: 'same-origin' });
  if (res.status === 401 && !opts.noRedirect) {
    toLogin();
    throw new HTTPError(path, 401, '未登录 Not signed in');
  }
  if (!res.ok) {
    let msg = '';
    try {
      const e = await res.json();
      if (e && typeof e.error === 'string') msg = e.error.slice(0, 300);
    } catch (_) { /* not JSON */ }
    throw new HTTPError(path, res.status, msg);
  }
  if (res.status === 204) return null;
  const ct = res.headers.get('Content-Type') || '';
  return ct.includes('json') ? res.json() : res.text();
}

export const getJSON = (path, opts) => api(path, opts);
export const postJSON = (path, body) => api(path, { method: 'POST', body: body === undefined ? {} : body });
export const del = (path) => api(path, { method: 'DELETE' });

// me is the signed-in user {username, roles, station}. Before accounts
// exist (GET /api/v1/me answers 404) everyone is the anonymous officer,
// as the API's Anonymous authenticator treats them.
export async function me() {
  try {
    const u = await api('/api/v1/me');
    const user = u && u.user && typeof u.user === 'object' ? u.user : u;
    return {
      username: typeof user.username === 'string' ? user.username.slice(0, 64) : '',
      roles: Array.isArray(user.roles) ? user.roles.filter((r) => typeof r === 'string').slice(0, 8) : [],
      station: typeof user.station === 'string' ? user.station.slice(0, 64) : '',
      anonymous: false,
    };
  } catch (err) {
    if (err instanceof HTTPError && err.status === 404) {
      return { username: 'anonymous', roles: ['viewer', 'officer'], station: '', anonymous: true };
    }
    throw err;
  }
}

// logout ends the session and goes to the login page.
export async function logout() {
  try { await api('/api/v1/logout', { method: 'POST', body: {}, noRedirect: true }); } catch (_) { /* gone anyway */ }
  location.assign('/login.html');
}
