// Admin: the profiles of this workspace; create one (name, role, password) or set a profile's password
// (profiles made by a mask import have none and cannot sign in until one is set).
import { useEffect, useState } from 'react';
import type { AnnotatorInfo, Role } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { useEscape } from '../../app/useEscape';

export function ProfilesDialog({ onClose }: { onClose(): void }) {
  useEscape(onClose);
  const [profiles, setProfiles] = useState<AnnotatorInfo[]>([]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('annotator');
  const [password, setPassword] = useState('');
  const [resetFor, setResetFor] = useState<number | null>(null);
  const [resetPassword, setResetPassword] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    let live = true;
    call(getBridge().invoke('annotator:list', undefined))
      .then((p) => live && setProfiles(p))
      .catch((e: Error) => live && setMessage({ ok: false, text: e.message }));
    return () => {
      live = false;
    };
  }, [refresh]);

  const create = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      const p = await call(getBridge().invoke('annotator:create', { name: name.trim(), role, password }));
      setMessage({ ok: true, text: `Created ${p.name} (${p.role}).` });
      setName('');
      setPassword('');
      setRefresh((n) => n + 1);
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };

  const setPw = async (annotatorId: number): Promise<void> => {
    try {
      const p = await call(
        getBridge().invoke('annotator:setPassword', { annotatorId, password: resetPassword }),
      );
      setMessage({ ok: true, text: `Password of ${p.name} set.` });
      setResetFor(null);
      setResetPassword('');
      setRefresh((n) => n + 1);
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-label="Profiles"
        data-testid="profiles-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>Profiles</h2>
          <button type="button" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        <table className="profiles">
          <tbody>
            {profiles.map((p) => (
              <tr key={p.id} data-testid={`profile-row-${p.name}`}>
                <td>{p.name}</td>
                <td className="muted">{p.role}</td>
                <td>
                  {resetFor === p.id ? (
                    <>
                      <input
                        type="password"
                        aria-label={`New password for ${p.name}`}
                        value={resetPassword}
                        onChange={(e) => setResetPassword(e.target.value)}
                      />
                      <button type="button" onClick={() => void setPw(p.id)}>
                        Set
                      </button>
                    </>
                  ) : (
                    <button type="button" className="link" onClick={() => setResetFor(p.id)}>
                      {p.hasPassword ? 'Reset password' : 'Set password'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form className="profile-create" onSubmit={(e) => void create(e)}>
          <h3>New profile</h3>
          <input
            data-testid="profile-name"
            placeholder="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <select data-testid="profile-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="annotator">Annotator</option>
            <option value="reviewer">Reviewer</option>
            <option value="admin">Admin</option>
          </select>
          <input
            type="password"
            data-testid="profile-password"
            placeholder="Password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" data-testid="profile-create">
            Create
          </button>
        </form>
        {message && (
          <p className={message.ok ? 'ok' : 'error'} data-testid="profiles-message" role="status">
            {message.text}
          </p>
        )}
      </div>
    </div>
  );
}
