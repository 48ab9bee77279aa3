// The project an import goes into, chosen in the import panel: the active projects (archived ones are no
// target); by default the project open in the library.
import type { ProjectInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { useQuery } from '../../api/useQuery';

interface Props {
  value: number | null;
  disabled: boolean;
  onChange(projectId: number): void;
}

export function ImportTarget({ value, disabled, onChange }: Props) {
  const projects = useQuery({
    name: 'projects',
    params: null,
    fetch: () => call(getBridge().invoke('project:list', undefined)),
  });
  const active = (projects.data ?? []).filter((p: ProjectInfo) => !p.archivedAt);
  return (
    <label className="import-target" title="The project the imported volumes go into">
      <span>into</span>
      <select
        data-testid="import-project"
        value={value ?? ''}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.target.value))}
      >
        {value === null && <option value="">Default (new)</option>}
        {active.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
            {p.modality ? ` (${p.modality})` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
