// Which training backends start on this machine: `auto` is started once in a trainer process (the host
// never loads tfjs or a GPU driver itself) and its report turned into one row per backend, best first.
// A backend counts as available when it started or when the report says it could have (it is only not
// chosen: "available, but … ranks higher" / "available, not requested").
import type { BackendAvailability } from '../../core/model';
import { BACKEND_NAMES, type BackendReport } from '../../training/backends/backend-report';
import { startTrainerJob } from './trainer-job';
import type { TrainerLauncher } from './trainer-launcher';

export function availability(report: BackendReport): BackendAvailability[] {
  return BACKEND_NAMES.map((backend) => {
    if (backend === report.active) return { backend, available: true, reason: null, device: report.device };
    const reason = report.unavailable.find((u) => u.backend === backend)?.reason ?? 'not reported';
    return { backend, available: /\bavailable, (but|not requested)/.test(reason), reason, device: null };
  });
}

export async function probeBackends(launch: TrainerLauncher): Promise<BackendAvailability[]> {
  const job = startTrainerJob(launch, { kind: 'probe' }, {});
  const end = await job.done;
  if (end.kind !== 'done' || !end.message.probe) {
    const why = end.kind === 'done' ? 'no report' : end.kind === 'cancelled' ? 'cancelled' : end.message;
    throw new Error(`probing the backends failed: ${why}`);
  }
  return availability(end.message.probe);
}
