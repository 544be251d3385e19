import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  KEY_REVOCATION_REASONS,
  REPRESENTATIVE_ROLES,
  SIGNING_ALGORITHMS,
  type KeyRevocationReason,
  type RepresentativeRole,
  type SigningAlgorithm,
} from '../domain/corporation.events.js';
import { BR_NUMBER, CR_NUMBER } from '../domain/registration-numbers.js';

// Only an absent field is optional: IsOptional would let `null` through.
const Optional = () => ValidateIf((_dto, value) => value !== undefined);
const Time = () => applyDecorators(IsISO8601({ strict: true, strictSeparator: true }), MaxLength(40));
const Reason = () => applyDecorators(IsString(), MinLength(1), MaxLength(200));
const EServiceList = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(100),
    IsString({ each: true }),
    Matches(/^(\*|[a-z0-9][a-z0-9-]{0,99})$/, { each: true, message: 'each e-service is a client id or *' }),
  );

export class RegisterCorporationDto {
  @Matches(BR_NUMBER, { message: 'brNumber must be the 8-digit business registration number' })
  brNumber!: string;

  @Matches(CR_NUMBER, { message: 'crNumber must be the 7- or 8-digit Companies Registry number' })
  crNumber!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(400)
  nameEn!: string;

  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(400)
  nameZh?: string;
}

export class StatusChangeDto {
  @Optional()
  @Reason()
  reason?: string;
}

export class AppointRepresentativeDto {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'citizenId must be a citizen id' })
  citizenId!: string;

  @IsIn(REPRESENTATIVE_ROLES)
  role!: RepresentativeRole;

  /** The e-services (client ids) the representative may use for the corporation; `["*"]` for all. */
  @EServiceList()
  eservices!: string[];

  @Optional()
  @Time()
  validFrom?: string;

  @Optional()
  @Time()
  validUntil?: string;
}

export class ChangeAppointmentDto {
  @Optional()
  @IsIn(REPRESENTATIVE_ROLES)
  role?: RepresentativeRole;

  @Optional()
  @EServiceList()
  eservices?: string[];

  @Optional()
  @Time()
  validUntil?: string;
}

export class RevocationDto {
  @Reason()
  reason!: string;
}

export class SigningKeyDto {
  /** The public key, as a JWK: EC P-256, OKP Ed25519 or RSA (≥ 2048 bits). */
  @IsObject()
  publicJwk!: Record<string, unknown>;

  /** The algorithms the key may sign with; all those its type allows by default. */
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsIn(SIGNING_ALGORITHMS, { each: true })
  algorithms?: SigningAlgorithm[];

  @Optional()
  @Time()
  validFrom?: string;

  @Optional()
  @Time()
  validUntil?: string;
}

export class RotateSigningKeyDto {
  @ValidateNested()
  @Type(() => SigningKeyDto)
  successor!: SigningKeyDto;
}

export class RevokeSigningKeyDto {
  @IsIn(KEY_REVOCATION_REASONS)
  reason!: KeyRevocationReason;

  /** With `compromised`: from when signatures by this key are no longer trusted (default: now). */
  @Optional()
  @Time()
  compromisedSince?: string;
}
