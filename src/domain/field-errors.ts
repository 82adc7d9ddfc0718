/** One problem with one input field, named by its JSON path (e.g. `stays[0].departure`). */
export interface FieldError {
  field: string;
  message: string;
}

/** Input that is well-formed but breaks a rule of the domain (HTTP 422). */
export class InvalidInputError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'InvalidInputError';
    this.errors = errors;
  }
}

/** Collects field errors while a validator walks an input, then throws them together. */
export class FieldErrorCollector {
  readonly errors: FieldError[] = [];
  add(field: string, message: string): void {
    this.errors.push({ field, message });
  }
  get ok(): boolean {
    return this.errors.length === 0;
  }
  throwIfAny(): void {
    if (this.errors.length > 0) throw new InvalidInputError(this.errors);
  }
}

/** Result of validating one value: the normalised value or why it was refused. */
export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

export const accept = <T>(value: T): Checked<T> => ({ ok: true, value });
export const refuse = <T = never>(message: string): Checked<T> => ({ ok: false, message });
