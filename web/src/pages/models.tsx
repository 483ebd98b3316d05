// Models: searched by name or description, with each one's latest version, aliases and tags.
import { useEffect, useRef, useState } from 'preact/hooks';
import { data } from '../api';
import { ListTable, Load, Tags } from '../components/common';
import { Pager } from '../components/pager';
import { dateTime } from '../format';
import { href, navigate } from '../router';
import { useSession } from '../session';
import { useApi } from '../use-api';

const PAGE_SIZE = 50;

export function ModelsPage({ query }: { query: URLSearchParams }) {
  const { client } = useSession();
  const q = query.get('q') ?? '';
  const offset = Number(query.get('offset') ?? 0);
  const [typed, setTyped] = useState(q);
  // The box shows the URL's search (Back, a link to Models); typing lands in the URL, so it can be shared.
  useEffect(() => setTyped(q), [q]);
  const typing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(typing.current), []);
  const onInput = (text: string) => {
    setTyped(text);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => navigate(href('models', { q: text.trim() || undefined }), { replace: true }), 250);
  };
  const models = useApi(
    () => data(client.GET('/v1/models', { params: { query: { limit: PAGE_SIZE, offset, ...(q ? { q } : {}) } } })),
    [q, offset],
  );
  return (
    <>
      <div class="page-head">
        <h1>Models</h1>
        <input type="search" class="search" placeholder="Search by name or description" value={typed} onInput={(event) => onInput(event.currentTarget.value)} aria-label="Search models" />
      </div>
      <Load loaded={models}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">{q ? `No model matches “${q}”.` : 'No models yet: register one with POST /v1/models, or start a train run.'}</p>
          ) : (
            <>
              <ListTable testId="models" columns={['Name', 'Task', 'Latest version', 'Aliases', 'Tags', 'Updated']}>
                  {page.items.map((model) => (
                    <tr key={model.id}>
                      <td>
                        <a href={href('models', model.name)}>{model.name}</a>
                        {model.description ? <div class="muted small">{model.description}</div> : null}
                      </td>
                      <td>{model.task}</td>
                      <td>{model.latestVersion === null ? <span class="muted">–</span> : <a href={href('models', model.name, 'versions', model.latestVersion)}>v{model.latestVersion}</a>}</td>
                      <td>
                        <Tags tags={Object.fromEntries(Object.entries(model.aliases).map(([alias, version]) => [alias, `v${version}`]))} />
                      </td>
                      <td>
                        <Tags tags={model.tags} />
                      </td>
                      <td>{dateTime(model.updatedAt)}</td>
                    </tr>
                  ))}
                </ListTable>
              <Pager total={page.total} limit={PAGE_SIZE} offset={offset} onOffset={(next) => navigate(href('models', { q: q || undefined, offset: next }))} />
            </>
          )
        }
      </Load>
    </>
  );
}
