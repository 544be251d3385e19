import { Injectable, type PipeTransform } from '@nestjs/common';
import { parseClientId } from '../domain/eservice-input.js';

/** A client id in a path is checked before it names a stream: a malformed one is a 400, not a lookup. */
@Injectable()
export class ClientIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return parseClientId(value);
  }
}
