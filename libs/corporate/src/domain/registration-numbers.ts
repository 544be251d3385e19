import { DomainError } from '#libs/errors';

/** A Business Registration number: the 8 digits that open a BR certificate number (`12345678-000-…`). */
export const BR_NUMBER = /^\d{8}$/;
/** A Companies Registry number: 7 digits, 8 for the newer registrations. */
export const CR_NUMBER = /^\d{7,8}$/;

/**
 * The corporation's id is its BR number: public, stable for the business's life, and unique, so that a second
 * registration of the same business collides on its stream.
 */
export function corporationIdOf(brNumber: string): string {
  if (!BR_NUMBER.test(brNumber)) {
    throw new DomainError('BR_NUMBER_INVALID', 'a business registration number is 8 digits', 400);
  }
  return brNumber;
}
