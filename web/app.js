// The jobs dashboard: a list of root jobs and a page per root (#/jobs/<id>), both live over server-sent events.
import { html, render, useEffect, useState } from '/vendor/preact-htm.js';
import { api, token } from '/api.js';
import { JobPage } from '/job-page.js';
import { RootsPage } from '/roots-page.js';

const routeOf = () => {
  const match = /^#\/jobs\/(.+)$/.exec(location.hash);
  return match ? { page: 'job', id: decodeURIComponent(match[1]) } : { page: 'roots' };
};

function TokenBar({ reason, onSave }) {
  const [value, setValue] = useState(token.get());
  return html`<form class="token" onSubmit=${(event) => (event.preventDefault(), onSave(value))}>
    <span>${reason}</span>
    <input
      type="password"
      placeholder="dashboard token"
      value=${value}
      onInput=${(event) => setValue(event.target.value)}
    />
    <button type="submit">Use token</button>
  </form>`;
}

function App() {
  const [route, setRoute] = useState(routeOf());
  const [config, setConfig] = useState(null);
  const [authReason, setAuthReason] = useState('');
  const [generation, setGeneration] = useState(0); // remounts the page once a token is given

  useEffect(() => {
    const follow = () => setRoute(routeOf());
    window.addEventListener('hashchange', follow);
    api('/api/config').then(setConfig, (err) => setAuthReason(err.message));
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  if (!config) return html`<p>Connecting…</p>`;
  const saveToken = (value) => {
    token.set(value);
    setAuthReason('');
    setGeneration(generation + 1);
  };
  const page =
    route.page === 'job'
      ? html`<${JobPage}
          key=${`${route.id}:${generation}`}
          id=${route.id}
          config=${config}
          onAuthError=${setAuthReason}
        />`
      : html`<${RootsPage} key=${generation} config=${config} onAuthError=${setAuthReason} />`;
  return html`<header><a href="#/">Jobs</a><span class="muted">task queue ${config.taskQueue}</span></header>
    ${authReason ? html`<${TokenBar} reason=${authReason} onSave=${saveToken} />` : null} ${page}`;
}

const root = document.getElementById('app');
root.textContent = ''; // the "Loading…" shown before this module ran
render(html`<${App} />`, root);
