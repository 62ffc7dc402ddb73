/**
 * Password rotation of a collector (admin, ops): send a new password to the collector with CN 1072 (the platform
 * accepts both until the collector's 9012 confirms, SECURITY.md), or change only the registered password
 * (PUT /collectors/:mn/password) when the collector was changed on site.
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Collector, Command } from '../api-types.js';
import { ErrorBox, TextField } from '../components/Field.js';
import { Notice } from '../components/Notice.js';
import { useSubmit } from '../components/use-submit.js';
import { StateBadge } from '../components/StateBadge.js';
import { useT } from '../i18n/use-t.js';
import { collectorMessages } from './collector-messages.js';
import { CommandState } from './collector-commands.js';
import { followCommand } from './command-follow.js';

export function CollectorPassword({ collector, onChanged }: { collector: Collector; onChanged: () => void }) {
  const t = useT(collectorMessages);
  const path = `/collectors/${encodeURIComponent(collector.mn)}`;
  return (
    <div data-password={collector.mn}>
      <p>
        {t('password.current')}:{' '}
        {collector.weakPassword ? <StateBadge state="weak" tone="bad" label={t('password.weak')} /> : <StateBadge state="ok" tone="ok" label={t('password.ok')} />}
      </p>
      <PasswordForm
        name="rotate"
        title={t('password.rotate')}
        hint={t('password.rotateHint')}
        send={async (password, onCommand) => {
          const first = await api.post<Command>(`${path}/commands`, { name: 'set-password', password });
          onCommand(first);
          const last = await followCommand(api, first, onCommand);
          onChanged();
          return last;
        }}
      />
      <PasswordForm
        name="set"
        title={t('password.set')}
        hint={t('password.setHint')}
        send={async () => undefined}
        put={async (password) => {
          await api.put(`${path}/password`, { password });
          onChanged();
        }}
      />
    </div>
  );
}

function PasswordForm(props: {
  name: string;
  title: string;
  hint: string;
  send: (password: string, onCommand: (c: Command) => void) => Promise<Command | undefined>;
  put?: (password: string) => Promise<void>;
}) {
  const t = useT(collectorMessages);
  const [password, setPassword] = useState('');
  const { error, busy, run } = useSubmit();
  const [command, setCommand] = useState<Command | null>(null);
  const [saved, setSaved] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    await run(async () => {
      if (props.put) {
        await props.put(password);
        setSaved(true);
      } else await props.send(password, setCommand);
      setPassword('');
    });
  };

  return (
    <form class="panel" onSubmit={submit} data-form={`password-${props.name}`}>
      <h2>{props.title}</h2>
      <p class="muted">{props.hint}</p>
      <div class="row">
        <TextField name="password" label={t('newPassword')} type="password" value={password} onInput={setPassword} error={error} required autoComplete="new-password" />
        <button type="submit" data-action={`password-${props.name}`} disabled={busy || password === ''}>
          {props.put ? t('save') : t('send')}
        </button>
      </div>
      <ErrorBox error={error} />
      <Notice text={saved ? t('password.saved') : null} />
      {command && (
        <p class="panel" data-current-command={command.id} data-state={command.state} aria-live="polite">
          {t('sent', { id: command.id })} · <CommandState command={command} /> {!command.final && <span class="muted">{t('following')}</span>}
          {command.detail ? ` · ${command.detail}` : ''}
        </p>
      )}
    </form>
  );
}
