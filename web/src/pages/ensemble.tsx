// One ensemble: members with their weights and, from its newest evaluation, each member's accuracy
// beside the ensemble's; every evaluation of it; and a new evaluation for keys that may write.
import { can, data, type Evaluation } from '../api';
import { ListTable, Load, Section, Status, Tags } from '../components/common';
import { EvaluateForm } from '../components/evaluate-form';
import { dateTime, decimal, percent } from '../format';
import { href } from '../router';
import { useSession } from '../session';
import { useApi } from '../use-api';


export function EnsemblePage({ name }: { name: string }) {
  const session = useSession();
  const { client } = session;
  const ensemble = useApi(() => data(client.GET('/v1/ensembles/{name}', { params: { path: { name } } })), [name]);
  const evaluations = useApi(() => data(client.GET('/v1/evaluations', { params: { query: { ensemble: name, limit: 50 } } })), [name], 5000);
  const latest: Evaluation | undefined = evaluations.value?.items.find((evaluation) => evaluation.status === 'succeeded');
  const memberScore = (versionId: string | null) => latest?.memberMetrics?.find((member) => member.versionId === versionId);
  return (
    <>
      <div class="page-head">
        <h1>
          <a href={href('ensembles')}>Ensembles</a> / {name}
        </h1>
        {can(session, 'write') ? <EvaluateForm target={{ ensemble: name }} /> : null}
      </div>
      <Load loaded={ensemble}>
        {(e) => (
          <>
            <div class="summary">
              <p>{e.description || <span class="muted">No description.</span>}</p>
              <dl>
                <dt>Aggregation</dt>
                <dd>{e.aggregation}</dd>
                <dt>Revision</dt>
                <dd>{e.revision}</dd>
                <dt>Tags</dt>
                <dd>
                  <Tags tags={e.tags} />
                </dd>
              </dl>
            </div>
            <Section title="Members">
              <table class="list" data-testid="members">
                <thead>
                  <tr>
                    <th>Member</th>
                    <th>Weight</th>
                    <th>Normalised</th>
                    <th>Accuracy{latest ? ` (${latest.dataset.name}, ${latest.split})` : ''}</th>
                    <th>ECE</th>
                  </tr>
                </thead>
                <tbody>
                  {e.members.map((member) => {
                    const score = memberScore(member.versionId);
                    return (
                      <tr key={member.position}>
                        <td>
                          {member.version === null ? `${member.model} (${member.ref})` : <a href={href('models', member.model, 'versions', member.version)}>{`${member.model} v${member.version}`}</a>}
                          {member.alias ? <span class="tag">{member.alias}</span> : null}
                        </td>
                        <td>{decimal(member.weight)}</td>
                        <td>{percent(member.normalizedWeight, 1)}</td>
                        <td>{percent(score?.accuracy)}</td>
                        <td>{decimal(score?.ece)}</td>
                      </tr>
                    );
                  })}
                  <tr class="total">
                    <td>ensemble ({e.aggregation})</td>
                    <td />
                    <td />
                    <td>{latest ? <a href={href('evaluations', latest.id)}>{percent(latest.metrics?.accuracy)}</a> : <span class="muted">not evaluated</span>}</td>
                    <td>{decimal(latest?.metrics?.ece)}</td>
                  </tr>
                </tbody>
              </table>
            </Section>
          </>
        )}
      </Load>
      <Section title="Evaluations">
        <Load loaded={evaluations}>{(page) => <EvaluationList items={page.items} />}</Load>
      </Section>
    </>
  );
}

export function EvaluationList({ items }: { items: Evaluation[] }) {
  if (items.length === 0) return <p class="muted">None yet.</p>;
  return (
    <ListTable testId="evaluations" columns={['Evaluation', 'Status', 'Dataset', 'Split', 'Accuracy', 'NLL', 'ECE', 'Finished']}>
        {items.map((evaluation) => (
          <tr key={evaluation.id}>
            <td>
              <a href={href('evaluations', evaluation.id)}>{evaluation.id.slice(0, 8)}</a>
            </td>
            <td>
              <Status status={evaluation.status} />
            </td>
            <td>
              {evaluation.dataset.name} v{evaluation.dataset.version}
            </td>
            <td>{evaluation.split}</td>
            <td>{percent(evaluation.metrics?.accuracy)}</td>
            <td>{decimal(evaluation.metrics?.nll)}</td>
            <td>{decimal(evaluation.metrics?.ece)}</td>
            <td>{dateTime(evaluation.finishedAt)}</td>
          </tr>
        ))}
      </ListTable>
  );
}
