// Every root job, running ones first: status, progress, counts, owner, times; filters, pages, live.
import { html, useEffect, useState } from '/vendor/preact-htm.js';
import { readAndFollow } from '/api.js';
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
} from '/widgets.js';

const PAGE = 50;

export function RootsPage({ config, onAuthError }) {
  const [filter, setFilter] = useState({ status: '', name: '' });
  const [cursors, setCursors] = useState([undefined]); // the cursor of each page seen so far
  const [page, setPage] = useState({ jobs: [], nextCursor: null });
  const [error, setError] = useState('');
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (filter.status) query.set('status', filter.status);
    if (filter.name) query.set('name', filter.name);
    if (cursor) query.set('cursor', cursor);
    const show = (answer) => {
      setPage(answer);
      setError('');
    };
    const fail = (err) => {
      if (err.status === 401) onAuthError(err.message);
      setError(err.message);
    };
    return readAndFollow(`/api/jobs?${query}`, `/api/events?${query}`, 'roots', { show, fail });
  }, [filter.status, filter.name, cursor]);

  const setFilterAndRestart = (change) => {
    setFilter({ ...filter, ...change });
    setCursors([undefined]);
  };

  return html`<section>
    <h1>Root jobs</h1>
    <div class="toolbar">
      <${StatusFilter} value=${filter.status} onChange=${(status) => setFilterAndRestart({ status })} />
      <input
        type="search"
        placeholder="exact job name"
        aria-label="name"
        value=${filter.name}
        onChange=${(event) => setFilterAndRestart({ name: event.target.value.trim() })}
      />
      <span class="muted">live · namespace ${config.namespace}</span>
    </div>
    <${ErrorLine} error=${error} />
    <${JobsTable}
      testid="roots"
      columns=${['Job', 'Status', 'Progress', 'Children', 'Owner', 'Started', 'Stopped', '']}
      wide="Progress"
      empty="no root jobs"
      rows=${page.jobs.map(
        (job) =>
          html`<tr data-root=${job.id}>
            <td>
              <a href=${`#/jobs/${encodeURIComponent(job.id)}`}>${job.name}</a
              >${job.topic ? html`<div class="muted">${job.topic}</div>` : null}
            </td>
            <td>
              <${Badge}
                status=${job.status}
              />${job.interrupted ? html` <span class="muted">interrupted</span>` : null}
            </td>
            <td>
              <${ProgressBar} value=${job.progress} label=${job.total === null ? '' : `of ${job.total}`} />
            </td>
            <td><${Counts} counts=${job.counts} /></td>
            <td>${job.ownerId ?? '–'}</td>
            <td><${Time} at=${job.startTime} /></td>
            <td><${Time} at=${job.closeTime} /></td>
            <td><${WebUiLink} id=${job.id} enabled=${config.webUi} /></td>
          </tr>`,
      )}
    />
    <${Pager}
      label=${`page ${cursors.length}`}
      onPrevious=${cursors.length === 1 ? null : () => setCursors(cursors.slice(0, -1))}
      onNext=${page.nextCursor ? () => setCursors([...cursors, page.nextCursor]) : null}
    />
  </section>`;
}
