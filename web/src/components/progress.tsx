// How far a run is: a bar over its epochs (and the batch within the epoch), with the latest loss.
import type { Schemas } from '../api';
import { decimal } from '../format';

export function Progress({ run }: { run: Schemas['Run'] }) {
  if (run.status === 'succeeded') return <span class="muted">done</span>;
  if (!run.progress) return <span class="muted">–</span>;
  const { epoch, epochs, batch, batches, loss } = run.progress;
  if (!epochs || epoch === null) return <span class="muted">–</span>;
  // `epoch` is the one under way (1-based), `batch` of `batches` done within it.
  const done = Math.min(1, (epoch - 1 + (batch && batches ? batch / batches : 0)) / epochs);
  return (
    <span class="progress" title={`epoch ${epoch} of ${epochs}${batch && batches ? `, batch ${batch} of ${batches}` : ''}`}>
      <span class="bar">
        <span style={{ width: `${(done * 100).toFixed(1)}%` }} />
      </span>
      <span class="small">
        {epoch}/{epochs}
        {loss !== null ? ` · loss ${decimal(loss, 3)}` : ''}
      </span>
    </span>
  );
}
