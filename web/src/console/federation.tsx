import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { verifyNationalTrustList, type NationalTrustList, webCryptoVerify, base64UrlToBytes } from '../../../src/codes/index.js';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';

type Identity = Answer<'/api/v1/federation/identity'>;
type MemberStatus = Answer<'/api/v1/federation/members'>[number];
type VisitorRow = Answer<'/api/v1/federation/visitors'>[number];

/** Who this operator is, and the key the hub must pin for it. */
function IdentityCard({ identity }: { identity: Identity }): JSX.Element {
  const t = useT();
  return (
    <Card title={t('federation.identity')}>
      <dl class="facts">
        <dt>{t('federation.operator')}</dt>
        <dd data-testid="operator-id">
          {identity.operator.name} ({identity.operator.id})
        </dd>
        <dt>{t('federation.regions')}</dt>
        <dd>{identity.operator.regions.length > 8 ? t('federation.regionCount', { n: identity.operator.regions.length }) : identity.operator.regions.join(', ')}</dd>
        <dt>{t('federation.operatorKey')}</dt>
        <dd>
          <code class="wrap">{identity.operatorKey.x}</code>
        </dd>
        {identity.hubKey && (
          <>
            <dt>{t('federation.hubKey')}</dt>
            <dd>
              <code class="wrap">{identity.hubKey.x}</code>
            </dd>
          </>
        )}
      </dl>
    </Card>
  );
}

/** Each member and how fresh its keys are: what the hub fetched last, and what went wrong. */
function MembersTable({ members }: { members: (Pick<MemberStatus, 'id' | 'name' | 'regions' | 'status' | 'keys' | 'lastSuccessAt' | 'lastError'> & { notice?: string | null })[] }): JSX.Element {
  const t = useT();
  const lang = useLang();
  return (
    <table class="table" data-testid="members">
      <thead>
        <tr>
          <th scope="col">{t('federation.operator')}</th>
          <th scope="col">{t('federation.regions')}</th>
          <th scope="col">{t('federation.status')}</th>
          <th scope="col">{t('federation.keys')}</th>
          <th scope="col">{t('federation.lastSuccess')}</th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr data-member={m.id} data-status={m.status}>
            <td>{m.name}</td>
            <td>{m.regions.join(', ')}</td>
            <td>
              <span class={`status status-${m.status}`}>{t(`federation.status.${m.status}` as 'federation.status.fresh')}</span>
              {m.lastError && <div class="small muted">{m.lastError}</div>}
              {m.notice && <div class="small muted" data-testid="member-notice">{m.notice}</div>}
            </td>
            <td>{m.keys}</td>
            <td>{m.lastSuccessAt ? formatDateTime(m.lastSuccessAt, lang) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AddMemberForm({ session, onAdded }: { session: StaffSession; onAdded: () => void }): JSX.Element {
  const t = useT();
  const [form, setForm] = useState({ id: '', name: '', regions: '', url: '', contact: '', operatorKey: '' });
  const add = useAction(async () => {
    const regions = form.regions.split(/[\s,]+/).filter((r) => r !== '');
    await ok(client.POST('/api/v1/federation/members', { headers: bearer(session.token), body: { ...form, regions, operatorKey: form.operatorKey.trim() || undefined } }));
    setForm({ id: '', name: '', regions: '', url: '', contact: '', operatorKey: '' });
    onAdded();
  });
  const input = (name: keyof typeof form, label: string, placeholder?: string, hint?: string) => (
    <Field label={label} hint={hint} error={fieldError(add.error, name)}>
      <input name={name} value={form[name]} placeholder={placeholder} onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })} required={name !== 'operatorKey'} />
    </Field>
  );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void add.run();
      }}
    >
      <h3>{t('federation.addMember')}</h3>
      {input('id', t('federation.memberId'), 'hubei')}
      {input('name', t('federation.memberName'), '湖北省')}
      {input('regions', t('federation.regions'), '420000')}
      {input('url', t('federation.memberUrl'), 'https://')}
      {input('contact', t('federation.contact'))}
      {input('operatorKey', t('federation.operatorKey'), undefined, t('federation.operatorKeyHint'))}
      <ErrorNotice error={add.error} />
      <button class="primary" type="submit" disabled={add.busy}>
        {t('federation.addMember')}
      </button>
    </form>
  );
}

/** Federation: this operator, the national list it holds (or, on the hub, its members), and visitors' codes by issuing region. */
export function FederationView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [identity, setIdentity] = useState<Identity | null>(null);
  const [members, setMembers] = useState<MemberStatus[] | null>(null);
  const [national, setNational] = useState<NationalTrustList | null>(null);
  const [visitors, setVisitors] = useState<VisitorRow[]>([]);
  const load = useAction(async () => {
    const me = await ok(client.GET('/api/v1/federation/identity'));
    setIdentity(me);
    if (me.hubKey) setMembers(await ok(client.GET('/api/v1/federation/members', { headers: bearer(session.token) })));
    const held = await ok(client.GET('/api/v1/national-trust-list'));
    if (held) {
      setNational(await verifyNationalTrustList(base64UrlToBytes(held.document), base64UrlToBytes(held.hubKey), webCryptoVerify()));
    }
    setVisitors(await ok(client.GET('/api/v1/federation/visitors', { headers: bearer(session.token) })));
  });
  const refresh = useAction(async () => {
    await ok(client.POST('/api/v1/federation/refresh', { headers: bearer(session.token) }));
    await load.run();
  });
  useEffect(() => void load.run(), []);
  return (
    <>
      {identity && <IdentityCard identity={identity} />}
      <Card title={members ? t('federation.members') : t('federation.nationalList')}>
        {national ? (
          <p class="muted" data-testid="national-sequence">
            {t('federation.listInfo', { sequence: national.sequence, issued: formatDateTime(new Date(national.issuedAt * 1000).toISOString(), lang), expires: formatDateTime(new Date(national.expiresAt * 1000).toISOString(), lang) })}
          </p>
        ) : (
          <p class="muted">{t('federation.noList')}</p>
        )}
        {members ? <MembersTable members={members} /> : national && <MembersTable members={national.members.map((m) => ({ ...m, keys: m.keys.length, lastSuccessAt: m.listGeneratedAt ? new Date(m.listGeneratedAt * 1000).toISOString() : null, lastError: null }))} />}
        <ErrorNotice error={load.error ?? refresh.error} />
        <button type="button" class="secondary" onClick={() => void refresh.run()} disabled={refresh.busy}>
          {t('federation.refresh')}
        </button>
        {members && <AddMemberForm session={session} onAdded={() => void load.run()} />}
      </Card>
      <Card title={t('federation.visitors')}>
        {visitors.length === 0 ? (
          <p class="muted">{t('federation.noVisitors')}</p>
        ) : (
          <table class="table" data-testid="visitors">
            <thead>
              <tr>
                <th scope="col">{t('federation.issuer')}</th>
                <th scope="col">{t('federation.operator')}</th>
                <th scope="col">{t('federation.scans')}</th>
                <th scope="col">{t('federation.admitted')}</th>
              </tr>
            </thead>
            <tbody>
              {visitors.map((v) => (
                <tr>
                  <td>{v.region}</td>
                  <td>{v.operatorName ?? '—'}</td>
                  <td>{v.scans}</td>
                  <td>{v.admitted}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
