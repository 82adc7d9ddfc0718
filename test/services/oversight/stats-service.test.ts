import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForbiddenError } from '../../../src/services/service-errors.js';
import { dashboardScope } from '../../../src/services/oversight/stats-service.js';
import type { StaffMember } from '../../../src/services/staff-service.js';

const officer = (region: string | null): StaffMember => ({ id: 'a7f0c2e4-0000-4000-8000-000000000001', name: region === null ? '国家卫健委 陈处长' : '余杭区疾控中心 王主任', role: 'authority', region });

describe("the dashboard's region", () => {
  it("is the officer's own when none is asked", () => {
    assert.deepEqual(dashboardScope(officer('330110'), undefined), { prefix: '330110', region: '330110' });
  });

  it('is every region for an officer of every region', () => {
    assert.deepEqual(dashboardScope(officer(null), undefined), { prefix: '', region: 'CN' });
  });

  it("is a district asked by its city's officer, as a code or a prefix", () => {
    assert.deepEqual(dashboardScope(officer('330100'), '330110'), { prefix: '330110', region: '330110' });
    assert.deepEqual(dashboardScope(officer('330000'), '3301'), { prefix: '3301', region: '3301' });
  });

  it("refuses a sibling district, naming the field and the officer's region", () => {
    assert.throws(
      () => dashboardScope(officer('330110'), '330106'),
      (e: unknown) => e instanceof ForbiddenError && e.options.field === 'region' && /330110/.test(e.message) && /西湖区/.test(e.message),
    );
  });

  it('refuses the city above the district, asked as a code or a prefix', () => {
    for (const city of ['330100', '3301', '33']) assert.throws(() => dashboardScope(officer('330110'), city), ForbiddenError, city);
  });
});
