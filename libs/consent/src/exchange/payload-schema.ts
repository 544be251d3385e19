import { Ajv, type ValidateFunction } from 'ajv';
import { DomainError } from '#libs/errors';
import type { JsonObject } from '#libs/event-store';

/** One compiler for every dataset: strict, so that a schema with a typo is refused at publication. */
const ajv = new Ajv({ strict: true, allErrors: false });

/** Compiles a dataset's payload schema, or refuses it as the publisher's mistake. */
export function compilePayloadSchema(schema: JsonObject): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new DomainError(
      'DATASET_SCHEMA_INVALID',
      `schema is not a valid JSON schema: ${error instanceof Error ? error.message : 'unreadable'}`,
      400,
    );
  }
}
