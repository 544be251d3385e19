import { Type } from 'class-transformer';
import {
  IsEmail,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { JsonObject } from '#libs/event-store';
import type { ContactDetails } from '../domain/citizen.events.js';
import { DeviceSignedDto, IsDeviceSignature } from './device-signed.dto.js';

export class EnrolDeviceDto extends DeviceSignedDto {
  /** The new phone's public key, as a JWK (EC P-256); `deviceId` and `signature` are the current phone's. */
  @IsObject()
  devicePublicKey!: JsonObject;

  /** The new phone's signature over the same request: proof that it holds the key. */
  @IsDeviceSignature()
  newDeviceSignature!: string;
}

/** A detail left out keeps its value; `null` removes it. */
export class ContactDetailsDto implements Partial<ContactDetails> {
  @IsOptional()
  @IsString()
  @Length(1, 500)
  address?: string | null;

  @IsOptional()
  @Matches(/^\+[1-9][0-9]{7,14}$/, { message: 'phone must be in international form, e.g. +85291234567' })
  phone?: string | null;

  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string | null;
}

export class UpdateProfileDto extends DeviceSignedDto {
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDetailsDto)
  profile!: ContactDetailsDto;
}
