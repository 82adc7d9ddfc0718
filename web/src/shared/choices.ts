/**
 * Choices the forms offer. They repeat lists in src/domain (declaration, identity-document, resident)
 * because those modules reach Node-only code (the division data is loaded with createRequire) and
 * cannot be bundled; the server checks every value anyway.
 */
export const SYMPTOMS = ['fever', 'fatigue', 'dry_cough', 'stuffy_nose', 'runny_nose', 'sore_throat', 'diarrhoea'] as const;
export const ID_TYPES = ['resident_id', 'hmt_residence_permit', 'foreign_permanent_residence', 'passport', 'hk_macao_travel_permit', 'taiwan_travel_permit'] as const;
export const RELATIONSHIPS = ['parent', 'grandparent', 'child', 'grandchild', 'spouse', 'sibling', 'other'] as const;
