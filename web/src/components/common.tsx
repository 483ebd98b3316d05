// Small pieces every page uses: errors with the problem's detail, loading states, tags, status badges.
import type { ComponentChildren } from 'preact';
import { ProblemError } from '../api';
import type { Loaded } from '../use-api';

export function ErrorBox({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const problem = error instanceof ProblemError ? error : null;
  return (
    <div class="error" role="alert">
      {problem ? <strong>{problem.title}</strong> : null}
      <span class="detail">{problem ? problem.detail : String(error instanceof Error ? error.message : error)}</span>
    </div>
  );
}

/** The page's content once loaded; its error (with the last value still shown) when a load failed. */
export function Load<T>({ loaded, children }: { loaded: Loaded<T>; children: (value: T) => ComponentChildren }) {
  return (
    <>
      <ErrorBox error={loaded.error} />
      {loaded.value === undefined ? loaded.error ? null : <p class="muted">Loading…</p> : children(loaded.value)}
    </>
  );
}

export function Tags({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return <span class="muted">–</span>;
  return (
    <span class="tags">
      {entries.map(([key, value]) => (
        <span class="tag" key={key}>
          {key}
          {value ? `=${value}` : ''}
        </span>
      ))}
    </span>
  );
}

export function Status({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status}</span>;
}

export function KeyValues({ values }: { values: Record<string, unknown> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <p class="muted">None.</p>;
  return (
    <table class="key-values">
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th>{key}</th>
            <td>{typeof value === 'number' ? (Number.isInteger(value) ? value : value.toFixed(4)) : typeof value === 'string' ? value : JSON.stringify(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section>
      <div class="section-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A list table: its column headings, then the rows given as children. */
export function ListTable({ testId, columns, children }: { testId: string; columns: string[]; children: ComponentChildren }) {
  return (
    <table class="list" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={index}>{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
