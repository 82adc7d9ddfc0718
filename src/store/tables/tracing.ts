/** The tables of tracing: grants to officers, and the traces opened under them. */

export interface GrantsTable {
  id: string;
  staff_id: string;
  scope: string;
  purpose: string;
  resident_id: string | null;
  granted_by: string;
  created_at: number;
  expires_at: number;
}

export interface TracesTable {
  id: string;
  case_resident_id: string;
  window_from: number;
  window_to: number;
  opened_by: string;
  grant_id: string;
  purpose: string;
  status: string;
  result: string;
  created_at: number;
  confirmed_at: number | null;
}

export interface TracingTables {
  grants: GrantsTable;
  traces: TracesTable;
}
