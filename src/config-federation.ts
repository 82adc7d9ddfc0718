import { OPERATOR_ID, peerUrlProblem } from './codes/national-trust-list.js';
import { isRegionCode, provinceCodes } from './domain/regions.js';

/** The operator and federation part of the configuration (config.ts reads the rest). */

/** This deployment as one operator of the national system (ARCHITECTURE: Federation). */
export interface OperatorConfig {
  /** Short, stable operator id, e.g. hubei or zhejiang; the issuer id other operators know it by. */
  id: string;
  name: string;
  /** GB/T 2260 codes of the regions it serves; each has its own signing key from the first start. */
  regions: string[];
  /** The address other operators and the hub reach this one at; none: the address it listens on. */
  publicUrl?: string;
}

export interface FederationConfig {
  /** Act as the national hub: register members, fetch their trust lists, publish the signed national one. */
  hub: boolean;
  /** Members a hub registers at start (development bootstrap): id=url pairs. */
  hubMembers: { id: string; url: string }[];
  /** The hub this operator is a member of, and its pinned public key (raw Ed25519, base64url). */
  hubUrl?: string;
  /** In development it may be left out and learned on first contact instead. */
  hubKey?: string;
  /** How often the hub fetches members' lists and members fetch the national list. */
  refreshSeconds: number;
}

const httpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

export function readOperator(read: (name: string) => string | undefined, problems: string[]): OperatorConfig {
  const id = read('HEALTHCODE_OPERATOR_ID') ?? 'local';
  if (!OPERATOR_ID.test(id)) problems.push(`HEALTHCODE_OPERATOR_ID: must be 2-40 lower-case letters, digits or hyphens starting with a letter, got '${id}'`);
  const regionsText = read('HEALTHCODE_REGIONS');
  const regions = regionsText === undefined ? provinceCodes() : [...new Set(regionsText.split(',').map((r) => r.trim()).filter((r) => r !== ''))];
  const unknown = regions.filter((r) => !isRegionCode(r));
  if (unknown.length > 0) problems.push(`HEALTHCODE_REGIONS: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a' : 'are not'} GB/T 2260 region code${unknown.length === 1 ? '' : 's'}`);
  if (regions.length === 0) problems.push('HEALTHCODE_REGIONS: names no region');
  const publicUrl = read('HEALTHCODE_PUBLIC_URL')?.replace(/\/+$/, '');
  if (publicUrl !== undefined && !httpUrl(publicUrl)) problems.push(`HEALTHCODE_PUBLIC_URL: must be an http(s) URL, got '${publicUrl}'`);
  const name = read('HEALTHCODE_OPERATOR_NAME') ?? id;
  if (name.length > 80) problems.push('HEALTHCODE_OPERATOR_NAME: at most 80 characters');
  return { id, name, regions, publicUrl };
}

export function readFederation(read: (name: string) => string | undefined, problems: string[], refreshSeconds: number): FederationConfig {
  const hub = read('HEALTHCODE_HUB') ?? 'off';
  if (hub !== 'on' && hub !== 'off') problems.push(`HEALTHCODE_HUB: must be on or off, got '${hub}'`);
  const hubMembers: { id: string; url: string }[] = [];
  for (const pair of (read('HEALTHCODE_HUB_MEMBERS') ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [id, url] = pair.trim().split(/=(.*)/s);
    if (!OPERATOR_ID.test(id ?? '') || peerUrlProblem(url ?? '') !== undefined) problems.push(`HEALTHCODE_HUB_MEMBERS: '${pair.trim()}' is not id=http(s)-url (no query, fragment or credentials)`);
    else hubMembers.push({ id: id!, url: url!.replace(/\/+$/, '') });
  }
  const hubUrl = read('HEALTHCODE_HUB_URL')?.replace(/\/+$/, '');
  const hubUrlProblem = hubUrl === undefined ? undefined : peerUrlProblem(hubUrl);
  if (hubUrlProblem !== undefined) problems.push(`HEALTHCODE_HUB_URL: ${hubUrlProblem}, got '${hubUrl}'`);
  const hubKey = read('HEALTHCODE_HUB_KEY');
  if (hubKey !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(hubKey)) problems.push('HEALTHCODE_HUB_KEY: must be a raw Ed25519 public key as 43 base64url characters');
  return { hub: hub === 'on', hubMembers, hubUrl, hubKey, refreshSeconds };
}
