// One evaluation: the target's scores beside each member's, the reliability diagram, per-class accuracy
// and the confusion matrix. Refreshed until its run has finished.
import { data } from '../api';
import { ErrorBox, ListTable, Load, Section, Status } from '../components/common';
import { ConfusionMatrix } from '../components/confusion-matrix';
import { ReliabilityDiagram } from '../components/reliability-diagram';
import { dateTime, decimal, percent } from '../format';
import { href } from '../router';
import { isFinished } from '../statuses';
import { useSession } from '../session';
import { useApi } from '../use-api';

export function EvaluationPage({ id }: { id: string }) {
  const { client } = useSession();
  const evaluation = useApi(() => data(client.GET('/v1/evaluations/{id}', { params: { path: { id } } })), [id], 2000, (record) => isFinished(record.status));
  return (
    <Load loaded={evaluation}>
      {(e) => {
        const target = e.target.kind === 'ensemble' ? { title: `ensemble ${e.target.name} (revision ${e.target.revision})`, link: href('ensembles', e.target.name) } : { title: `${e.target.model} v${e.target.version}`, link: href('models', e.target.model, 'versions', e.target.version) };
        const labels = (e.perClassAccuracy ?? []).map((entry) => entry.label);
        return (
          <>
            <div class="page-head">
              <h1>
                Evaluation of <a href={target.link}>{target.title}</a>
              </h1>
            </div>
            <div class="summary">
              <dl>
                <dt>Status</dt>
                <dd>
                  <Status status={e.status} /> <a href={href('runs', e.id)}>its run</a>
                </dd>
                <dt>Data</dt>
                <dd>
                  {e.dataset.name} v{e.dataset.version}, {e.split} split{e.metrics ? `, ${e.metrics.count} examples` : ''}
                </dd>
                <dt>Finished</dt>
                <dd>{dateTime(e.finishedAt)}</dd>
              </dl>
              {e.error ? <ErrorBox error={new Error(String((e.error as { message?: unknown }).message ?? JSON.stringify(e.error)))} /> : null}
            </div>
            {e.metrics ? (
              <>
                <Section title="Scores">
                  <ListTable testId="scores" columns={['', 'Weight', 'Accuracy', 'NLL', 'ECE']}>
                      <tr class="total">
                        <td>
                          <a href={target.link}>{target.title}</a>
                        </td>
                        <td />
                        <td>{percent(e.metrics.accuracy)}</td>
                        <td>{decimal(e.metrics.nll)}</td>
                        <td>{decimal(e.metrics.ece)}</td>
                      </tr>
                      {(e.memberMetrics ?? []).map((member) => (
                        <tr key={member.versionId}>
                          <td>
                            <a href={href('models', member.model, 'versions', member.version)}>{`${member.model} v${member.version}`}</a>
                          </td>
                          <td>{decimal(e.members.find((one) => one.versionId === member.versionId)?.weight)}</td>
                          <td class={member.accuracy > e.metrics!.accuracy ? 'best' : ''}>{percent(member.accuracy)}</td>
                          <td>{decimal(member.nll)}</td>
                          <td>{decimal(member.ece)}</td>
                        </tr>
                      ))}
                    </ListTable>
                </Section>
                <div class="columns">
                  <Section title="Reliability diagram">{e.reliability ? <ReliabilityDiagram bins={e.reliability} /> : null}</Section>
                  <Section title="Per-class accuracy">
                    <table class="list" data-testid="per-class">
                      <tbody>
                        {(e.perClassAccuracy ?? []).map((entry) => (
                          <tr key={entry.class}>
                            <th>{entry.label}</th>
                            <td class="bar-cell">
                              <span class="bar">
                                <span style={{ width: `${((entry.accuracy ?? 0) * 100).toFixed(1)}%` }} />
                              </span>
                            </td>
                            <td>{percent(entry.accuracy, 1)}</td>
                            <td class="muted">{entry.count}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </Section>
                </div>
                {e.confusionMatrix ? (
                  <Section title="Confusion matrix">
                    <ConfusionMatrix matrix={e.confusionMatrix} labels={labels} />
                  </Section>
                ) : null}
              </>
            ) : (
              <p class="muted">{e.status === 'failed' || e.status === 'cancelled' ? 'No scores.' : 'Scoring…'}</p>
            )}
          </>
        );
      }}
    </Load>
  );
}
