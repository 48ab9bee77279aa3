// The kind of a project (clinical or research), read from the window's 'projects' query (the library reads
// the same one): what bundles and the PACS may do with its data depends on it (a research project's bundles
// are always de-identified; it sends nothing to a PACS unless asked to de-identify).
import type { ProjectKind } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { useQuery } from '../../api/useQuery';

export function useProjectKind(projectId: number | null): ProjectKind | null {
  const projects = useQuery({
    name: 'projects',
    params: null,
    fetch: () => call(getBridge().invoke('project:list', undefined)),
  });
  if (projectId === null) return null;
  return projects.data?.find((p) => p.id === projectId)?.kind ?? null;
}
