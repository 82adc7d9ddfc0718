import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { bearer, client, ok, type Answer, type BodyOf } from '../shared/api.js';
import { formatDateTime, formatShort, isoToLocalInput, localInputToIso } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';

type Trace = Answer<'/api/v1/traces', 'post'>;
type Evidence = Trace['contacts'][number]['evidence'][number];

/** The authority gives a staff member a purpose-bound, expiring grant. */
function GrantForm({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const [form, setForm] = useState({ staffId: '', scope: 'trace', purpose: '', residentId: '', hours: '24' });
  const [grant, setGrant] = useState<Answer<'/api/v1/grants', 'post'> | null>(null);
  const lang = useLang();
  const give = useAction(async () => setGrant(await ok(client.POST('/api/v1/grants', { headers: bearer(session.token), body: { staffId: form.staffId.trim(), scope: form.scope as BodyOf<'/api/v1/grants'>['scope'], purpose: form.purpose, ...(form.residentId.trim() ? { residentId: form.residentId.trim() } : {}), hours: Number(form.hours) } }))));
  return (
    <Card title={t('trace.grant')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void give.run();
        }}
      >
        <Field label={t('trace.staffId')} error={fieldError(give.error, 'staffId')}>
          <input required value={form.staffId} onInput={(e) => setForm({ ...form, staffId: e.currentTarget.value })} />
        </Field>
        <Field label={t('trace.scope')}>
          <select value={form.scope} onChange={(e) => setForm({ ...form, scope: e.currentTarget.value })}>
            <option value="trace">{t('trace.scope.trace')}</option>
            <option value="read-personal">{t('trace.scope.read-personal')}</option>
          </select>
        </Field>
        <Field label={t('trace.purpose')} hint={t('trace.purposeHint')} error={fieldError(give.error, 'purpose')}>
          <input required minLength={5} value={form.purpose} onInput={(e) => setForm({ ...form, purpose: e.currentTarget.value })} />
        </Field>
        <Field label={t('trace.caseId')} hint={t('trace.grantResidentHint')} error={fieldError(give.error, 'residentId')}>
          <input value={form.residentId} onInput={(e) => setForm({ ...form, residentId: e.currentTarget.value })} />
        </Field>
        <Field label={t('trace.hours')} error={fieldError(give.error, 'hours')}>
          <input type="number" min="1" max="168" value={form.hours} onInput={(e) => setForm({ ...form, hours: e.currentTarget.value })} />
        </Field>
        <ErrorNotice error={give.error} />
        <button class="primary" type="submit" disabled={give.busy}>
          {t('trace.giveGrant')}
        </button>
      </form>
      {grant && (
        <div class="notice notice-ok">
          {t('trace.granted', { expires: formatDateTime(grant.expiresAt, lang) })} <code class="secret">{grant.id}</code>
        </div>
      )}
    </Card>
  );
}

function evidenceLine(e: Evidence, t: ReturnType<typeof useT>, lang: 'zh-CN' | 'en'): string {
  if (e.kind === 'same-carrier') return t('trace.evidence.carrier', { ref: e.carrierRef ?? '', date: e.date ?? '' });
  return t('trace.evidence.venue', { venue: e.venue ?? '', caseAt: formatShort(e.caseAt, lang), contactAt: formatShort(e.contactAt, lang), apart: e.minutesApart ?? 0 });
}

function TraceResult({ session, trace, onConfirmed }: { session: StaffSession; trace: Trace; onConfirmed: (t: Trace) => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [result, setResult] = useState<Answer<'/api/v1/traces/{traceId}/confirm', 'post'> | null>(null);
  const confirm = useAction(async () => {
    setResult(await ok(client.POST('/api/v1/traces/{traceId}/confirm', { params: { path: { traceId: trace.id } }, headers: bearer(session.token) })));
    onConfirmed({ ...trace, status: 'confirmed' });
  });
  return (
    <Card title={t('trace.result', { from: formatDateTime(trace.from, lang), to: formatDateTime(trace.to, lang) })}>
      <p class="muted">
        {t('trace.purpose')}: {trace.purpose} · {t(`trace.status.${trace.status}` as 'trace.status.open')}
      </p>
      <h3>{t('trace.timeline')}</h3>
      {trace.caseVisits.length === 0 && <p>{t('trace.noVisits')}</p>}
      <ol class="timeline">
        {trace.caseVisits.map((v) => (
          <li>
            <time>{formatDateTime(v.at, lang)}</time> <span>{v.venue}</span>
          </li>
        ))}
      </ol>
      <h3>{t('trace.contacts', { n: trace.contacts.length })}</h3>
      <table class="table">
        <thead>
          <tr>
            <th>{t('field.name')}</th>
            <th>{t('trace.level')}</th>
            <th>{t('trace.first')}</th>
            <th>{t('trace.evidence')}</th>
          </tr>
        </thead>
        <tbody>
          {trace.contacts.map((c) => (
            <tr>
              <td>{c.maskedName}</td>
              <td>
                <span class={`level level-${c.level === 'close' ? 'high' : 'medium'}`}>{t(`trace.level.${c.level}`)}</span>
              </td>
              <td>{formatShort(c.firstContactAt, lang)}</td>
              <td>
                <ul class="evidence">
                  {c.evidence.map((e) => (
                    <li>{evidenceLine(e, t, lang)}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {session.role === 'authority' && trace.status === 'open' && (
        <button type="button" class="danger" onClick={() => void confirm.run()} disabled={confirm.busy}>
          {t('trace.confirm')}
        </button>
      )}
      <ErrorNotice error={confirm.error} />
      {result && <div class="notice notice-ok">{t('trace.confirmed', { contacts: result.contacts, changes: result.colourChanges, notified: result.notified })}</div>}
    </Card>
  );
}

export function TracesView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const [find, setFind] = useState({ grantId: '', phone: '' });
  const [found, setFound] = useState<Answer<'/api/v1/residents/find', 'post'> | null>(null);
  const [form, setForm] = useState({ caseResidentId: '', from: isoToLocalInput(Date.now() - 14 * 86_400_000), to: isoToLocalInput(Date.now() + 60_000), grantId: '' });
  const [trace, setTrace] = useState<Trace | null>(null);
  const lookup = useAction(async () => {
    const r = await ok(client.POST('/api/v1/residents/find', { headers: bearer(session.token), body: { grantId: find.grantId.trim(), phone: find.phone.trim() } }));
    setFound(r);
    setForm({ ...form, caseResidentId: r.residentId });
  });
  const open = useAction(async () => setTrace(await ok(client.POST('/api/v1/traces', { headers: bearer(session.token), body: { caseResidentId: form.caseResidentId.trim(), from: localInputToIso(form.from), to: localInputToIso(form.to), grantId: form.grantId.trim() } }))));
  return (
    <>
      <p class="muted">{t('trace.yourId', { id: session.id })}</p>
      {session.role === 'authority' && <GrantForm session={session} />}
      <Card title={t('trace.find')}>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void lookup.run();
          }}
        >
          <input name="findGrantId" required placeholder={t('trace.readGrantId')} value={find.grantId} onInput={(e) => setFind({ ...find, grantId: e.currentTarget.value })} />
          <input name="findPhone" required type="tel" placeholder={t('field.phone')} value={find.phone} onInput={(e) => setFind({ ...find, phone: e.currentTarget.value })} />
          <button type="submit" class="secondary" disabled={lookup.busy}>
            {t('trace.findSubmit')}
          </button>
        </form>
        <ErrorNotice error={lookup.error} />
        {found && (
          <p>
            {found.maskedName} · <code>{found.residentId}</code>
          </p>
        )}
      </Card>
      <Card title={t('trace.open')}>
        <form
          id="open-trace"
          onSubmit={(e) => {
            e.preventDefault();
            void open.run();
          }}
        >
          <Field label={t('trace.caseId')} error={fieldError(open.error, 'caseResidentId')}>
            <input name="caseResidentId" required value={form.caseResidentId} onInput={(e) => setForm({ ...form, caseResidentId: e.currentTarget.value })} />
          </Field>
          <div class="row">
            <Field label={t('risk.from')} error={fieldError(open.error, 'from')}>
              <input type="datetime-local" name="from" required value={form.from} onInput={(e) => setForm({ ...form, from: e.currentTarget.value })} />
            </Field>
            <Field label={t('risk.to')} error={fieldError(open.error, 'to')}>
              <input type="datetime-local" name="to" required value={form.to} onInput={(e) => setForm({ ...form, to: e.currentTarget.value })} />
            </Field>
          </div>
          <Field label={t('trace.grantId')} error={fieldError(open.error, 'grantId')}>
            <input name="grantId" required value={form.grantId} onInput={(e) => setForm({ ...form, grantId: e.currentTarget.value })} />
          </Field>
          <ErrorNotice error={open.error} />
          <button class="primary" type="submit" disabled={open.busy}>
            {t('trace.openSubmit')}
          </button>
        </form>
      </Card>
      {trace && <TraceResult session={session} trace={trace} onConfirmed={setTrace} />}
    </>
  );
}
