import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { metricsIn, namesTheAppExports } from '../support/exported-metrics.js';

const DASHBOARD = fileURLToPath(new URL('../../ops/grafana/morning-peak.json', import.meta.url));

interface Panel {
  title: string;
  targets?: { expr?: string }[];
}

describe('the morning-peak dashboard (ops/grafana/morning-peak.json)', () => {
  let panels: Panel[];
  let exported: Set<string>;
  before(async () => {
    panels = (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels;
    exported = await namesTheAppExports();
  });

  it('parses as JSON with a query in every panel', () => {
    assert.ok(panels.length > 0);
    for (const panel of panels) assert.ok(panel.targets?.length && panel.targets.every((t) => t.expr), `${panel.title} has a target without a query`);
  });

  it('shows what a morning peak turns on: code views, latency, shedding, the queue, scans, SMS, the listener, federation', () => {
    const read = new Set(panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricsIn(t.expr ?? ''))));
    for (const metric of ['healthcode_codes_shown_total', 'healthcode_http_request_duration_seconds_bucket', 'healthcode_http_requests_shed_total', 'healthcode_http_requests_limited_total', 'healthcode_redecision_queue_oldest_age_seconds', 'healthcode_scans_total', 'healthcode_sms_sent_total', 'healthcode_change_feed_up', 'healthcode_federation_member_trust_list_age_seconds']) {
      assert.ok(read.has(metric), `no panel reads ${metric}`);
    }
  });

  it('reads only metrics the app exports', () => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        const read = metricsIn(target.expr ?? '');
        assert.ok(read.length > 0, `${panel.title}: a query reads no healthcode metric`);
        for (const metric of read) assert.ok(exported.has(metric), `${panel.title} reads ${metric}, which /metrics does not have`);
      }
    }
  });
});
