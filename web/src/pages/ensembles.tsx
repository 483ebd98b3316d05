// Ensembles: their aggregation, members and revision.
import { data } from '../api';
import { ListTable, Load, Tags } from '../components/common';
import { dateTime } from '../format';
import { href } from '../router';
import { useSession } from '../session';
import { useApi } from '../use-api';

export function EnsemblesPage() {
  const { client } = useSession();
  const ensembles = useApi(() => data(client.GET('/v1/ensembles', { params: { query: { limit: 100 } } })), []);
  return (
    <>
      <div class="page-head">
        <h1>Ensembles</h1>
      </div>
      <Load loaded={ensembles}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">No ensembles yet: create one with POST /v1/ensembles.</p>
          ) : (
            <ListTable testId="ensembles" columns={['Name', 'Aggregation', 'Members', 'Revision', 'Tags', 'Updated']}>
                {page.items.map((ensemble) => (
                  <tr key={ensemble.id}>
                    <td>
                      <a href={href('ensembles', ensemble.name)}>{ensemble.name}</a>
                    </td>
                    <td>{ensemble.aggregation}</td>
                    <td>{ensemble.members.map((member) => `${member.model} ${member.alias ?? `v${member.version}`}`).join(', ')}</td>
                    <td>{ensemble.revision}</td>
                    <td>
                      <Tags tags={ensemble.tags} />
                    </td>
                    <td>{dateTime(ensemble.updatedAt)}</td>
                  </tr>
                ))}
              </ListTable>
          )
        }
      </Load>
    </>
  );
}
