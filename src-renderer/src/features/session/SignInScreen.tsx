// The first screen: pick your profile and type its password. On a fresh workspace (no profile yet) it
// creates the administrator profile instead, who then creates everyone else's. Every edit needs a
// signed-in profile; the session belongs to this window (Electron) or tab (web host).
import { useEffect, useState } from 'react';
import type { AnnotatorInfo, SessionInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { useEscape } from '../../app/useEscape';

interface Props {
  firstRun: boolean;
  onSignedIn(session: SessionInfo): void;
  /** Back to the workstation without signing in (viewing only). */
  onCancel?(): void;
}

const ROLE_NAMES = { annotator: 'Annotator', reviewer: 'Reviewer', admin: 'Admin' } as const;

export function SignInScreen({ firstRun, onSignedIn, onCancel }: Props) {
  useEscape(onCancel);
  const [profiles, setProfiles] = useState<AnnotatorInfo[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (firstRun) return;
    let live = true;
    call(getBridge().invoke('annotator:list', undefined))
      .then((list) => {
        if (!live) return;
        setProfiles(list);
        setSelected((s) => s ?? list.find((p) => p.hasPassword)?.id ?? null);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [firstRun]);

  const signIn = async (annotatorId: number, pw: string): Promise<void> => {
    onSignedIn(await call(getBridge().invoke('session:signIn', { annotatorId, password: pw })));
  };

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (firstRun) {
        if (password !== confirm) throw new Error('the two passwords differ');
        const admin = await call(
          getBridge().invoke('annotator:create', { name: name.trim(), role: 'admin', password }),
        );
        await signIn(admin.id, password);
      } else {
        if (selected === null) throw new Error('pick your profile');
        await signIn(selected, password);
      }
    } catch (err) {
      setError((err as Error).message);
      setPassword('');
      setConfirm('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin" data-testid="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)}>
        <h1>Concord</h1>
        {firstRun ? (
          <>
            <p className="muted">
              No profile exists yet. Create the administrator profile: it signs in like any other and creates
              the annotators&apos; and reviewers&apos; profiles.
            </p>
            <label className="field">
              <span>Name</span>
              <input
                data-testid="signin-name"
                autoFocus
                value={name}
                onChange={(e) => setName(e.target.value)}
                autoComplete="username"
              />
            </label>
          </>
        ) : (
          <fieldset className="signin-profiles" data-testid="signin-profiles">
            <legend>Who are you?</legend>
            {profiles.length === 0 && <p className="muted">Loading profiles…</p>}
            {profiles.map((p) => (
              <label key={p.id} className={p.hasPassword ? 'profile' : 'profile muted'}>
                <input
                  type="radio"
                  name="profile"
                  data-testid={`signin-profile-${p.name}`}
                  value={p.id}
                  checked={selected === p.id}
                  disabled={!p.hasPassword}
                  onChange={() => setSelected(p.id)}
                />
                <span>{p.name}</span>
                <span className="muted">
                  {ROLE_NAMES[p.role]}
                  {p.hasPassword ? '' : ' · no password yet (ask an admin)'}
                </span>
              </label>
            ))}
          </fieldset>
        )}
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            data-testid="signin-password"
            value={password}
            autoFocus={!firstRun}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete={firstRun ? 'new-password' : 'current-password'}
          />
        </label>
        {firstRun && (
          <label className="field">
            <span>Password again</span>
            <input
              type="password"
              data-testid="signin-confirm"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              autoComplete="new-password"
            />
          </label>
        )}
        {error && (
          <p className="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" data-testid="signin-submit" disabled={busy}>
          {firstRun ? 'Create administrator and sign in' : 'Sign in'}
        </button>
        {onCancel && (
          <button type="button" className="link" data-testid="signin-cancel" onClick={onCancel}>
            Not now: view images without labelling
          </button>
        )}
      </form>
    </div>
  );
}
