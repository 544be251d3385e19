import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { JsonObject } from '#libs/event-store';
import type { RegistrationInput } from '../commands/register-citizen.command.js';
import { IsDeviceSignature } from './device-signed.dto.js';

export class RegisterCitizenDto implements RegistrationInput {
  @IsString()
  @Length(1, 200)
  nameEn!: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  nameZh?: string;

  /** e.g. `A123456(3)`; the check digit is verified by the domain. */
  @IsString()
  @Length(8, 14)
  hkid!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must be a date as YYYY-MM-DD' })
  dateOfBirth!: string;

  /** The mobile app's public key, as a JWK (EC P-256). */
  @IsObject()
  devicePublicKey!: JsonObject;

  /**
   * Proof that the app holds the key's private half: a device signature by that key over the rest of this body
   * (`registrationPayload` in signed-payloads.ts).
   */
  @IsDeviceSignature()
  deviceProof!: string;
}
