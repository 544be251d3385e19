import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '#libs/errors';
import { BR_NUMBER } from '../domain/registration-numbers.js';

/** A corporation id in a path is a BR number: anything else names no corporation, and never a stream. */
@Injectable()
export class CorporationIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!BR_NUMBER.test(value)) throw new DomainError('CORPORATION_NOT_FOUND', 'no such corporation', 404);
    return value;
  }
}
