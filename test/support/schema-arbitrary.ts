import fc from 'fast-check';

/** A JSON Schema as the OpenAPI document gives it (the subset the API uses). */
export type JsonSchema = Record<string, unknown>;

/** Inputs no schema allows, as an attacker sends them: wrong types, huge, deep, odd characters. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('x'.repeat(100_000)),
  fc.constant('\u0000\u202e<script>alert(1)</script>'),
  fc.constant('../../etc/passwd'),
  fc.constant("' or 1=1 --"),
  fc.constant(JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}') as unknown),
  fc.constant(Array.from({ length: 200 }).reduce<unknown>((inner) => ({ a: inner }), 1)),
  fc.constant(-1),
  fc.constant(1e308),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.constant(true),
  fc.constant([]),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/**
 * Values shaped by `schema` (types, formats, patterns, enums, required fields), for inputs a
 * validator would mostly accept; `resolve` follows $ref into the document's components.
 */
export function fromSchema(schema: JsonSchema | undefined, resolve: (ref: string) => JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (typeof schema.$ref === 'string') return fromSchema(resolve(schema.$ref), resolve, depth + 1);
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((s) => fromSchema(s, resolve, depth + 1)));
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const examples = Array.isArray(schema.examples) ? (schema.examples as unknown[]) : [];
  const withExamples = (a: fc.Arbitrary<unknown>) => (examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), a) : a);
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'date-time') return fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (typeof schema.pattern === 'string') return withExamples(fc.stringMatching(new RegExp(schema.pattern), { size: 'small' }));
      return withExamples(fc.string({ maxLength: Math.min(Number(schema.maxLength ?? 40), 40) }));
    }
    case 'integer':
      return withExamples(fc.integer({ min: Number(schema.minimum ?? -1000), max: Number(schema.maximum ?? 100_000) }));
    case 'number':
      return withExamples(fc.double({ min: Number(schema.minimum ?? -1000), max: Number(schema.maximum ?? 100_000), noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema(schema.items as JsonSchema, resolve, depth + 1), { maxLength: Math.min(Number(schema.maxItems ?? 3), 3) });
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (schema.required ?? []) as string[];
      if (Object.keys(properties).length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      return fc.record(Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, fromSchema(s, resolve, depth + 1)])), { requiredKeys: required.filter((k) => k in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
