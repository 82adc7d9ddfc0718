import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer, type BodyOf } from '../shared/api.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';
import type { FoundResident } from './case-finder.js';

type Grantee = Answer<'/api/v1/staff/grantees'>[number];

/**
 * The authority gives a tracer (or itself) a purpose-bound, expiring grant: the person picked from
 * a list of staff, the resident (if the grant is to be for one) from the search, never an id typed.
 */
export function GrantForm({ session, person, onGiven }: { session: StaffSession; person: FoundResident | null; onGiven: () => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [staff, setStaff] = useState<Grantee[]>([]);
  const [form, setForm] = useState({ staffId: session.id, scope: 'trace', purpose: '', onlyPerson: false, hours: '24' });
  const [given, setGiven] = useState<{ expiresAt: string; to: string } | null>(null);
  const load = useAction(async () => setStaff(await ok(client.GET('/api/v1/staff/grantees', { headers: bearer(session.token) }))));
  useEffect(() => void load.run(), [session.token]);
  const give = useAction(async () => {
    const residentId = form.onlyPerson && person ? { residentId: person.residentId } : {};
    const grant = await ok(client.POST('/api/v1/grants', { headers: bearer(session.token), body: { staffId: form.staffId, scope: form.scope as BodyOf<'/api/v1/grants'>['scope'], purpose: form.purpose, ...residentId, hours: Number(form.hours) } }));
    setGiven({ expiresAt: grant.expiresAt, to: staff.find((s) => s.id === form.staffId)?.name ?? '' });
    onGiven();
  });
  return (
    <Card title={t('trace.grant')}>
      <form
        data-testid="grant-form"
        onSubmit={(e) => {
          e.preventDefault();
          void give.run();
        }}
      >
        <Field label={t('trace.grantTo')} error={fieldError(give.error, 'staffId')}>
          <select name="staffId" value={form.staffId} onChange={(e) => setForm({ ...form, staffId: e.currentTarget.value })}>
            {staff.map((s) => (
              <option value={s.id}>
                {s.id === session.id ? t('trace.grantToMe', { name: s.name }) : `${s.name} · ${t(`role.${s.role}` as 'role.tracer')}`}
              </option>
            ))}
          </select>
        </Field>
        <ErrorNotice error={load.error} />
        <Field label={t('trace.scope')}>
          <select name="scope" value={form.scope} onChange={(e) => setForm({ ...form, scope: e.currentTarget.value })}>
            <option value="trace">{t('trace.scope.trace')}</option>
            <option value="read-personal">{t('trace.scope.read-personal')}</option>
          </select>
        </Field>
        <Field label={t('trace.purpose')} hint={t('trace.purposeHint')} error={fieldError(give.error, 'purpose')}>
          <input name="purpose" required minLength={5} value={form.purpose} onInput={(e) => setForm({ ...form, purpose: e.currentTarget.value })} />
        </Field>
        {person && (
          <label class="check">
            <input type="checkbox" name="onlyPerson" checked={form.onlyPerson} onChange={(e) => setForm({ ...form, onlyPerson: e.currentTarget.checked })} />
            <span>{t('trace.grantOnlyPerson', { name: person.maskedName, id: person.maskedIdNumber })}</span>
          </label>
        )}
        <Field label={t('trace.hours')} error={fieldError(give.error, 'hours')}>
          <input name="hours" type="number" min="1" max="168" value={form.hours} onInput={(e) => setForm({ ...form, hours: e.currentTarget.value })} />
        </Field>
        <ErrorNotice error={give.error} />
        <button class="primary" type="submit" disabled={give.busy || staff.length === 0}>
          {t('trace.giveGrant')}
        </button>
      </form>
      {given && (
        <div class="notice notice-ok" role="status">
          {t('trace.granted', { to: given.to, expires: formatDateTime(given.expiresAt, lang) })}
        </div>
      )}
    </Card>
  );
}
