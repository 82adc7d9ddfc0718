import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { metricsIn, namesTheAppExports } from '../support/exported-metrics.js';

const RULES = fileURLToPath(new URL('../../ops/prometheus/alerts.yml', import.meta.url));
const RULE_TESTS = fileURLToPath(new URL('../../ops/prometheus/alerts.test.yml', import.meta.url));
const RUNBOOK = fileURLToPath(new URL('../../docs/runbook.md', import.meta.url));
/** Debian's `prometheus` package; scripts/test-prerequisites.sh installs it. */
const PROMTOOL = '/usr/bin/promtool';

const promtool = (...args: string[]) => execFileSync(PROMTOOL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Each alert of the rules file with its expression and annotations; every expression is kept on one line so that this reads it. */
function alerts(): { name: string; expr: string; annotations: Record<string, string> }[] {
  const text = readFileSync(RULES, 'utf8');
  const found: { name: string; expr: string; annotations: Record<string, string> }[] = [];
  for (const block of text.split(/^\s*- alert: /m).slice(1)) {
    const name = block.split('\n')[0]!.trim();
    const expr = /^\s*expr: (.+)$/m.exec(block)?.[1]?.trim();
    assert.ok(expr && !/^[|>]/.test(expr), `${name}: its expr must be on one line`);
    const annotations = Object.fromEntries([...block.matchAll(/^\s+(summary|description|runbook_url): "(.*)"$/gm)].map((m) => [m[1]!, m[2]!]));
    found.push({ name, expr, annotations });
  }
  return found;
}

/** GitHub's anchors of a Markdown file's headings. */
function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} -]/gu, '').replace(/ /g, '-')));
}

describe('alerting rules for operators (ops/prometheus/alerts.yml)', () => {
  it('are well formed, as promtool checks them', () => {
    assert.match(promtool('check', 'rules', RULES), /SUCCESS: 6 rules found/);
  });

  it('fire on the states they name and stay quiet short of them (promtool test rules)', () => {
    assert.match(promtool('test', 'rules', RULE_TESTS), /SUCCESS/);
  });

  it('each say what happened, what it means for residents, and where the runbook section is', () => {
    const anchors = anchorsOf(readFileSync(RUNBOOK, 'utf8'));
    for (const { name, annotations } of alerts()) {
      assert.ok(annotations.summary, `${name}: no summary`);
      assert.ok(annotations.description, `${name}: no description`);
      const anchor = /^docs\/runbook\.md#(.+)$/.exec(annotations.runbook_url ?? '')?.[1];
      assert.ok(anchor && anchors.has(anchor), `${name}: runbook_url ${annotations.runbook_url} names no section of docs/runbook.md`);
    }
  });

  describe('read only what the app exports', () => {
    let exported: Set<string>;
    before(async () => {
      exported = await namesTheAppExports();
    });
    it('every metric an alert expression reads is one /metrics has', () => {
      for (const { name, expr } of alerts()) {
        const read = metricsIn(expr);
        assert.ok(read.length > 0, `${name} reads no healthcode metric`);
        for (const metric of read) assert.ok(exported.has(metric), `${name} reads ${metric}, which /metrics does not have`);
      }
    });
  });
});
