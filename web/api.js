// The dashboard's calls to its HTTP API (see docs/openapi.json), with the token when the user gave one.
const TOKEN_KEY = 'jobsUiToken';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (value) => (value ? sessionStorage.setItem(TOKEN_KEY, value) : sessionStorage.removeItem(TOKEN_KEY)),
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

/** A read the browser makes without our headers (an EventSource, a link), with the token as access_token. */
function withToken(path) {
  if (!token.get()) return path;
  return `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token.get())}`;
}

/** An event stream (reads that need the token pass it in the address). */
export function events(path, handlers) {
  const source = new EventSource(withToken(path));
  for (const [type, handle] of Object.entries(handlers)) {
    source.addEventListener(type, (event) => handle(JSON.parse(event.data)));
  }
  return () => source.close();
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
export const webUiPath = (id) => withToken(`/web-ui/${encodeURIComponent(id)}`);
