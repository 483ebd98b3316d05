// Starts an evaluation of a version or an ensemble on a dataset split (keys that may write only).
import { useState } from 'preact/hooks';
import { data } from '../api';
import { href, navigate } from '../router';
import { useSession } from '../session';
import { useApi } from '../use-api';
import { ErrorBox } from './common';

const SPLITS = ['test', 'validation', 'train'] as const;

export function EvaluateForm({ target }: { target: { ensemble: string } | { version: { model: string; version: number } } }) {
  const { client } = useSession();
  const datasets = useApi(() => data(client.GET('/v1/datasets', { params: { query: { limit: 100 } } })), []);
  const [dataset, setDataset] = useState('');
  const [split, setSplit] = useState<(typeof SPLITS)[number]>('test');
  const [error, setError] = useState<unknown>(undefined);
  const names = [...new Set(datasets.value?.items.map((item) => item.name) ?? [])];
  const chosen = dataset || names[0] || '';
  const submit = (event: Event) => {
    event.preventDefault();
    data(client.POST('/v1/evaluations', { body: { ...target, dataset: { name: chosen }, split } })).then((evaluation) => navigate(href('evaluations', evaluation.id)), setError);
  };
  return (
    <form class="inline-form write" onSubmit={submit}>
      <select aria-label="Dataset" value={chosen} onChange={(event) => setDataset(event.currentTarget.value)}>
        {names.map((name) => (
          <option key={name}>{name}</option>
        ))}
      </select>
      <select aria-label="Split" value={split} onChange={(event) => setSplit(event.currentTarget.value as (typeof SPLITS)[number])}>
        {SPLITS.map((one) => (
          <option key={one}>{one}</option>
        ))}
      </select>
      <button type="submit" disabled={!chosen}>
        Evaluate
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
