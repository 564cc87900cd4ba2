// The dashboard's calls to its HTTP API (see docs/openapi.json), with the token when the user gave one.
const TOKEN_KEY = 'jobsUiToken';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (value) => {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
    session = null; // a new token opens a new read session
  },
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token.get()) headers.Authorization = `Bearer ${token.get()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const { code = 'internal', message = response.statusText } = answer.error ?? {};
    throw new ApiError(response.status, code, message);
  }
  return answer;
}

/**
 * When reads need the token, event streams and links (which cannot send headers) read through a read session:
 * a cookie the server sets for the token (HttpOnly, so this script never sees it), for reads only, ending
 * within the hour. The token itself never goes into an address.
 */
const SESSION_RENEW_MS = 20 * 60 * 1000;
let session = null; // { opened: Promise, at: ms }

export function openReadSession() {
  if (!token.get()) return Promise.resolve();
  if (!session || Date.now() - session.at > SESSION_RENEW_MS) {
    const opened = api('/api/session', { method: 'POST', body: {} }).catch((err) => {
      session = null;
      throw err;
    });
    session = { opened, at: Date.now() };
  }
  return session.opened;
}

export function forgetReadSession() {
  session = null;
}

// Renewed while the page is open, so that a link clicked an hour later still reads.
setInterval(() => openReadSession().catch(() => {}), SESSION_RENEW_MS);

/**
 * An event stream. A stream the server closed for good (a read session that ended, a limit reached) is opened
 * again, with a fresh read session, after a pause.
 */
export function events(path, handlers) {
  let source = null;
  let closed = false;
  let retry = null;
  const open = () => {
    source = new EventSource(path);
    for (const [type, handle] of Object.entries(handlers)) {
      source.addEventListener(type, (event) => handle(JSON.parse(event.data)));
    }
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED || closed) return;
      forgetReadSession();
      retry = setTimeout(() => openReadSession().then(open, open), 3000);
    });
  };
  openReadSession().then(open, open);
  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
}

/**
 * A view kept live: a GET first, whose error says what is wrong (a token, an unknown job, a bad filter), then
 * its event stream of `type` events; an event is newer than the GET's answer. Returns the stream's close.
 */
export function readAndFollow(path, streamPath, type, { show, fail }) {
  let streamed = false;
  api(path).then((answer) => streamed || show(answer), fail);
  return events(streamPath, {
    [type]: (answer) => {
      streamed = true;
      show(answer);
    },
    problem: fail,
  });
}

export const jobPath = (id) => `/api/jobs/${encodeURIComponent(id)}`;
export const webUiPath = (id) => `/web-ui/${encodeURIComponent(id)}`;
