// Small pieces both pages show: a status badge, a progress bar, counts, times, links, the jobs table and its pager.
import { html } from '/vendor/preact-htm.js';
import { webUiPath } from '/api.js';

export const STATUSES = ['new', 'running', 'success', 'failed', 'failed_redelivered', 'cancelled'];
export const isFinal = (status) => ['success', 'failed', 'cancelled'].includes(status);

export const Badge = ({ status }) =>
  html`<span class="badge badge-${status ?? 'unknown'}" data-testid="status">${status ?? '?'}</span>`;

export function ProgressBar({ value, label, testid }) {
  const percent = value === null || value === undefined ? null : Math.round(value * 1000) / 10;
  return html`<div
    class="progress"
    role="progressbar"
    aria-valuemin="0"
    aria-valuemax="100"
    aria-valuenow=${percent ?? 0}
    data-testid=${testid}
  >
    <div class="progress-fill" style=${{ width: `${percent ?? 0}%` }}></div>
    <span class="progress-label">${percent === null ? '–' : `${percent}%`}${label ? ` · ${label}` : ''}</span>
  </div>`;
}

export function Counts({ counts }) {
  if (!counts) return html`<span class="muted">–</span>`;
  const shown = STATUSES.filter((status) => counts[status] > 0);
  if (shown.length === 0) return html`<span class="muted">no children yet</span>`;
  return html`<span class="counts">
    ${shown.map((status) => html`<span class="count badge-${status}" title=${status}>${status} ${counts[status]}</span>`)}
  </span>`;
}

export function Time({ at }) {
  if (!at) return html`<span class="muted">–</span>`;
  const date = new Date(at);
  return html`<time datetime=${at} title=${at}>${date.toLocaleString()}</time>`;
}

export const WebUiLink = ({ id, enabled }) =>
  enabled ? html`<a class="web-ui" href=${webUiPath(id)} target="_blank" rel="noopener">Web UI ↗</a>` : null;

export function StatusFilter({ value, onChange }) {
  return html`<select value=${value} onChange=${(event) => onChange(event.target.value)} aria-label="status">
    <option value="">every status</option>
    ${STATUSES.map((status) => html`<option value=${status}>${status}</option>`)}
  </select>`;
}

export const ErrorLine = ({ error }) => (error ? html`<p class="error" role="alert">${error}</p>` : null);

/** A table of jobs: a header of `columns` (`wide` names the one that takes the room), then `rows`, or `empty`. */
export function JobsTable({ testid, columns, wide, empty, rows }) {
  return html`<table class="jobs" data-testid=${testid}>
    <thead>
      <tr>
        ${columns.map((column) => html`<th class=${column === wide ? 'wide' : undefined}>${column}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${
        rows.length === 0
          ? html`<tr>
              <td colspan=${columns.length} class="muted">${empty}</td>
            </tr>`
          : rows
      }
    </tbody>
  </table>`;
}

/** Previous and Next around a label; a button without its handler is disabled. */
export const Pager = ({ label, onPrevious, onNext }) =>
  html`<div class="pager">
    <button disabled=${!onPrevious} onClick=${onPrevious}>‹ Previous</button>
    <span class="muted">${label}</span>
    <button disabled=${!onNext} onClick=${onNext}>Next ›</button>
  </div>`;
