import { Param, type PipeTransform } from '@nestjs/common';
import { DomainError } from '#libs/errors';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in a path, checked before it names a stream: anything else is a 400 with its own code. */
const uuidPipe = (name: string, code: string): PipeTransform<string, string> => ({
  transform(value: string) {
    if (!UUID.test(value)) throw new DomainError(code, `${name} must be a UUID`, 400);
    return value.toLowerCase();
  },
});

export const ConsentIdParam = (): ParameterDecorator =>
  Param('consentId', uuidPipe('consentId', 'CONSENT_ID_INVALID'));
export const CitizenIdParam = (): ParameterDecorator =>
  Param('citizenId', uuidPipe('citizenId', 'CITIZEN_ID_INVALID'));
