import { DomainError } from '#libs/errors';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date, not in the future, and no older than the oldest living person. */
export function parseDateOfBirth(input: string, today: Date): string {
  const match = ISO_DATE.exec(input);
  const date = match ? new Date(`${input}T00:00:00.000Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== input) {
    throw new DomainError('DATE_OF_BIRTH_INVALID', 'dateOfBirth must be a calendar date as YYYY-MM-DD', 400);
  }
  const age = today.getUTCFullYear() - date.getUTCFullYear();
  if (date > today || age > 130) {
    throw new DomainError('DATE_OF_BIRTH_INVALID', 'dateOfBirth must be in the past 130 years', 400);
  }
  return input;
}
