import { render, type JSX } from 'preact';
import '../shared/styles.css';
import { I18n, useT, type MessageKey } from '../shared/i18n.js';
import { Shell } from '../shared/ui.js';

const APPS: { href: string; title: MessageKey; description: MessageKey }[] = [
  { href: '/resident/', title: 'app.resident', description: 'portal.resident' },
  { href: '/scanner/', title: 'app.scanner', description: 'portal.scanner' },
  { href: '/venue/', title: 'app.venue', description: 'portal.venue' },
  { href: '/console/', title: 'app.console', description: 'portal.console' },
  { href: '/docs', title: 'portal.api', description: 'portal.apiDescription' },
];

function Portal(): JSX.Element {
  const t = useT();
  return (
    <Shell title="healthcode">
      <p class="lead">{t('portal.lead')}</p>
      <ul class="portal">
        {APPS.map((app) => (
          <li>
            <a href={app.href}>
              <strong>{t(app.title)}</strong>
              <span>{t(app.description)}</span>
            </a>
          </li>
        ))}
      </ul>
      <p class="muted small">{t('portal.rules')}</p>
    </Shell>
  );
}

render(
  <I18n>
    <Portal />
  </I18n>,
  document.getElementById('app')!,
);
