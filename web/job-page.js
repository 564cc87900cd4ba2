// One root job: its record, progress and counts, live; a page of its children; interrupts.
import { html, useEffect, useState } from '/vendor/preact-htm.js';
import { api, jobPath, readAndFollow } from '/api.js';
import {
  Badge,
  Counts,
  ErrorLine,
  JobsTable,
  Pager,
  ProgressBar,
  StatusFilter,
  Time,
  WebUiLink,
  isFinal,
} from '/widgets.js';

const PAGE = 50;

function pageLabel({ offset, status }, shown, total) {
  const of = status ? `the ${status} children` : `${total}`;
  return shown ? `${offset + 1}–${offset + shown} of ${of}` : `none of ${of} here`;
}

export function JobPage({ id, config, onAuthError }) {
  const [record, setRecord] = useState(null);
  const [children, setChildren] = useState([]);
  const [query, setQuery] = useState({ status: '', offset: 0 });
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const fail = (err) => {
    if (err.status === 401) onAuthError(err.message);
    setError(err.message);
  };

  useEffect(() => {
    const params = new URLSearchParams({ offset: String(query.offset), limit: String(PAGE) });
    if (query.status) params.set('status', query.status);
    const show = (answer) => {
      setRecord(answer);
      setChildren(answer.children ?? []);
      setError('');
    };
    return readAndFollow(`${jobPath(id)}?${params}`, `${jobPath(id)}/events?${params}`, 'job', {
      show,
      fail,
    });
  }, [id, query.status, query.offset]);

  const interrupt = async (target, force) => {
    const how = force
      ? 'Force-interrupt (running processors are cancelled)'
      : 'Interrupt (running work finishes)';
    if (!window.confirm(`${how} ${target}?`)) return;
    try {
      const outcome = await api(`${jobPath(target)}/interrupt`, { method: 'POST', body: { force } });
      setNotice(outcome.message);
    } catch (err) {
      fail(err);
    }
  };

  if (!record)
    return html`<section>
      <a href="#/">‹ Root jobs</a><${ErrorLine} error=${error} />
      <p>Loading ${id}…</p>
    </section>`;
  const running = !isFinal(record.status) || !record.stoppedAt;
  const done = (record.counts?.success ?? 0) + (record.counts?.failed ?? 0);
  return html`<section>
    <a href="#/">‹ Root jobs</a>
    <h1>${record.name} <${Badge} status=${record.status} /></h1>
    <div class="record">
      <${ProgressBar}
        value=${record.progress}
        label=${`${done}/${record.total} done`}
        testid="root-progress"
      />
      <p><${Counts} counts=${record.counts} /></p>
      <dl>
        <dt>Topic</dt>
        <dd>${record.topic}</dd>
        <dt>Owner</dt>
        <dd>${record.ownerId}</dd>
        <dt>Started</dt>
        <dd><${Time} at=${record.startedAt ?? record.createdAt} /></dd>
        <dt>Stopped</dt>
        <dd><${Time} at=${record.stoppedAt} /></dd>
        <dt>Parallel</dt>
        <dd>${record.maxParallel}${record.paused ? ' · paused' : ''}</dd>
        <dt>Interrupted</dt>
        <dd data-testid="interrupted">${record.interrupted ? 'yes' : 'no'}</dd>
        ${
          record.error
            ? html`<dt>Error</dt>
                <dd class="error">${record.error}</dd>`
            : null
        }
        ${
          record.snapshotAt
            ? html`<dt>As of</dt>
                <dd>${record.snapshotAt} (no worker answered)</dd>`
            : null
        }
      </dl>
      <div class="toolbar">
        <button disabled=${!running} onClick=${() => interrupt(id, false)} data-testid="interrupt-root">
          Interrupt
        </button>
        <button disabled=${!running} class="danger" onClick=${() => interrupt(id, true)}>
          Force interrupt
        </button>
        <${WebUiLink} id=${id} enabled=${config.webUi} />
      </div>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <${ErrorLine} error=${error} />
    </div>
    <h2>Children</h2>
    <div class="toolbar">
      <${StatusFilter} value=${query.status} onChange=${(status) => setQuery({ status, offset: 0 })} />
    </div>
    <${JobsTable}
      testid="children"
      columns=${['Child', 'Status', 'Attempts', 'Progress', 'Error', 'Started', 'Stopped', '']}
      wide="Progress"
      empty="no children here"
      rows=${children.map(
        (child) =>
          html`<tr data-child=${child.name}>
            <td>${child.name}</td>
            <td><${Badge} status=${child.status} /></td>
            <td>${child.attempts}</td>
            <td><${ProgressBar} value=${child.progress} /></td>
            <td class="error">${child.error ?? ''}</td>
            <td><${Time} at=${child.startedAt} /></td>
            <td><${Time} at=${child.stoppedAt} /></td>
            <td>
              ${isFinal(child.status) ? null : html`<button onClick=${() => interrupt(child.id, false)} data-testid="interrupt-child">Interrupt</button>`}
              <${WebUiLink} id=${child.id} enabled=${config.webUi} />
            </td>
          </tr>`,
      )}
    />
    <${Pager}
      label=${pageLabel(query, children.length, record.total)}
      onPrevious=${query.offset === 0 ? null : () => setQuery({ ...query, offset: Math.max(0, query.offset - PAGE) })}
      onNext=${children.length < PAGE ? null : () => setQuery({ ...query, offset: query.offset + PAGE })}
    />
  </section>`;
}
