/**
 * Commands of a collector: a form for each command the role may send (POST /collectors/:mn/commands; enterprise
 * accounts: history requests only), the sent command followed until final (9011 QnRtn, data answer, 9012 ExeRtn,
 * resends, time-out, offline) and the collector's command log (GET /commands?mn=).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import type { Command, CommandsPage } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field } from '../components/Field.js';
import { Pager, useCursorPager } from '../components/Pager.js';
import { StateBadge, type Tone } from '../components/StateBadge.js';
import { useLoad } from '../components/use-load.js';
import { localInputToIso, showTime } from '../format.js';
import { useT } from '../i18n/use-t.js';
import { useSession } from '../session.js';
import { cnOf, commandBodyOf, commandsFor, EMPTY_COMMAND_FORM, type CommandForm, type CommandName } from './collector-logic.js';
import { collectorMessages } from './collector-messages.js';
import { followCommand } from './command-follow.js';

export function commandTone(c: Pick<Command, 'state' | 'final'>): Tone {
  if (c.state === 'succeeded' || (c.state === 'answered' && c.final)) return 'ok';
  if (c.state === 'refused' || c.state === 'failed' || c.state === 'timed-out' || c.state === 'offline') return 'bad';
  return 'warn';
}

export function CommandState({ command }: { command: Command }) {
  const t = useT(collectorMessages);
  return <StateBadge state={command.state} tone={commandTone(command)} label={t(`cmd.state.${command.state}`)} />;
}

export function CollectorCommands({ mn }: { mn: string }) {
  const t = useT(collectorMessages);
  const { user } = useSession();
  const names = commandsFor(user.role);
  const pager = useCursorPager();
  const log = useLoad(() => api.get<CommandsPage>('/commands', { mn, limit: 50, cursor: pager.cursor }), [mn, pager.cursor]);
  const [current, setCurrent] = useState<Command | null>(null);
  const columns: Column<Command>[] = [
    { id: 'createdAt', header: t('createdAt'), render: (c) => showTime(c.createdAt) },
    { id: 'name', header: t('command'), render: (c) => `${t(`cmd.${c.name}`)} (${c.cn})` },
    { id: 'state', header: t('outcome'), render: (c) => <CommandState command={c} /> },
    { id: 'qnRtn', header: t('qnRtn'), render: (c) => c.qnRtn ?? '' },
    { id: 'exeRtn', header: t('exeRtn'), render: (c) => c.exeRtn ?? '' },
    { id: 'answer', header: t('answer'), render: (c) => <span class="mono">{Object.entries(c.answer ?? {}).map(([k, v]) => `${k}=${v}`).join(';')}</span> },
    { id: 'attempts', header: t('attempts'), numeric: true, render: (c) => String(c.attempts) },
    { id: 'requestedBy', header: t('requestedBy'), render: (c) => c.requestedBy.name },
    { id: 'detail', header: t('detail'), render: (c) => c.detail ?? '' },
  ];
  return (
    <div data-commands={mn}>
      {names.length > 0 && (
        <SendCommand
          mn={mn}
          names={names}
          onSent={(c) => setCurrent(c)}
          onFinal={() => {
            pager.reset();
            log.reload();
          }}
        />
      )}
      {user.role === 'enterprise' && <p class="muted">{t('onlyHistory')}</p>}
      {current && <CurrentCommand key={current.id} first={current} onFinal={log.reload} />}
      <h2>{t('commandLog')}</h2>
      <ErrorBox error={log.error} onRetry={log.reload} />
      <DataTable name="commands" columns={columns} rows={log.data?.commands ?? []} rowKey={(c) => c.id} />
      <Pager pager={pager} nextCursor={log.data?.nextCursor} />
    </div>
  );
}

/** The command just sent, followed until final. */
function CurrentCommand({ first, onFinal }: { first: Command; onFinal: () => void }) {
  const t = useT(collectorMessages);
  const [command, setCommand] = useState(first);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const abort = new AbortController();
    followCommand(api, first, setCommand, { signal: abort.signal }).then(
      (last) => {
        setCommand(last);
        if (!abort.signal.aborted) onFinal();
      },
      setError,
    );
    return () => abort.abort();
  }, [first.id]);
  return (
    <div class="panel" data-current-command={command.id} data-state={command.state} data-final={String(command.final)} aria-live="polite">
      <strong>{t('sent', { id: command.id })}</strong> · {t(`cmd.${command.name}`)} ({command.cn}) · <CommandState command={command} />
      {!command.final && <span class="muted"> {t('following')}</span>}
      {command.qnRtn !== undefined && <span> · QnRtn={command.qnRtn}</span>}
      {command.exeRtn !== undefined && <span> · ExeRtn={command.exeRtn}</span>}
      {command.answer && <span class="mono"> · {Object.entries(command.answer).map(([k, v]) => `${k}=${v}`).join(';')}</span>}
      {command.detail && <span> · {command.detail}</span>}
      <ErrorBox error={error} />
    </div>
  );
}

function SendCommand(props: { mn: string; names: CommandName[]; onSent: (c: Command) => void; onFinal: () => void }) {
  const t = useT(collectorMessages);
  const [name, setName] = useState<CommandName>(props.names[0]!);
  const [form, setForm] = useState<CommandForm>(EMPTY_COMMAND_FORM);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);

  const input = (key: keyof CommandForm, label: string, type: 'text' | 'number' | 'password' | 'datetime-local' = 'text') => (
    <Field name={key} label={label} error={error}>
      {(c) => <input {...c} type={type as 'text'} value={form[key]} onInput={(e) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value })} />}
    </Field>
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    // datetime-local values become ISO 8601 with the browser's offset; an invalid one is sent as typed for the API to reject.
    const iso = (v: string) => (v === '' ? '' : (localInputToIso(v) ?? v));
    const body = commandBodyOf(name, { ...form, time: iso(form.time), beginTime: iso(form.beginTime), endTime: iso(form.endTime) });
    try {
      const command = await api.post<Command>(`/collectors/${encodeURIComponent(props.mn)}/commands`, body);
      props.onSent(command);
      setForm({ ...form, password: '' });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError({ status: 0, code: 'ERROR', title: String(err) }));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  return (
    <form class="panel" onSubmit={submit} data-form="command">
      <div class="row">
        <Field name="name" label={t('command')} error={error}>
          {(c) => (
            <select {...c} value={name} onChange={(e) => setName((e.currentTarget as HTMLSelectElement).value as CommandName)}>
              {props.names.map((n) => (
                <option key={n} value={n}>
                  {t(`cmd.${n}`)} ({cnOf(n, form.kind)})
                </option>
              ))}
            </select>
          )}
        </Field>
        {(name === 'get-time' || name === 'set-time') && input('polId', t('polId'))}
        {name === 'set-time' && input('time', t('setTime'), 'datetime-local')}
        {name === 'set-rtd-interval' && input('seconds', t('seconds'), 'number')}
        {name === 'set-min-interval' && input('minutes', t('minutes'), 'number')}
        {name === 'set-timeout' && (
          <>
            {input('overTime', t('overTime'), 'number')}
            {input('reCount', t('reCount'), 'number')}
          </>
        )}
        {name === 'set-password' && input('password', t('newPassword'), 'password')}
        {name === 'history' && (
          <>
            <Field name="kind" label={t('historyKind')} error={error}>
              {(c) => (
                <select {...c} value={form.kind} onChange={(e) => setForm({ ...form, kind: (e.currentTarget as HTMLSelectElement).value as CommandForm['kind'] })}>
                  {(['minute', 'hour', 'day', 'runtime-day'] as const).map((k) => (
                    <option key={k} value={k}>
                      {t(`history.${k}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {input('beginTime', t('beginTime'), 'datetime-local')}
            {input('endTime', t('endTime'), 'datetime-local')}
          </>
        )}
        <button type="submit" data-action="send-command" disabled={busy}>
          {t('send')}
        </button>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}
