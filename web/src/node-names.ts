// Runs name their node by id; the pages show its name, as the nodes page lists it.
import { data } from './api';
import { shortId } from './format';
import { useSession } from './session';
import { useApi } from './use-api';

export function useNodeNames(): (id: string) => string {
  const { client } = useSession();
  const nodes = useApi(() => data(client.GET('/v1/nodes')), [], 30_000);
  return (id) => nodes.value?.items.find((node) => node.id === id)?.name ?? shortId(id);
}
