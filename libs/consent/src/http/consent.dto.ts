import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DeviceSignedDto } from '#libs/identity';
import type { JsonObject } from '#libs/event-store';
import { PERIODS, type Period } from '../domain/consent-terms.js';
import { PARTICIPANT_ROLES, type ParticipantRole } from '../domain/participant.js';
import { UUID } from './uuid-param.js';

const Optional = () => ValidateIf((_dto, value) => value !== undefined);
const SLUG = /^[a-z0-9][a-z0-9-]{2,62}$/;
const Slug = (what: string) => Matches(SLUG, { message: `${what} must be 3-63 of a-z 0-9 and -` });
const Text = (max: number) => applyDecorators(IsString(), MinLength(1), MaxLength(max));
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const Slugs = (max: number) =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(max),
    ArrayUnique(),
    Matches(SLUG, { each: true, message: 'each must be a slug' }),
  );

export class RegisterParticipantDto {
  @Slug('participantId')
  participantId!: string;

  @Text(200)
  name!: string;

  @Matches(/^[A-Z]{2,10}$/, { message: 'department must be a code of 2-10 capital letters' })
  department!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(PARTICIPANT_ROLES, { each: true })
  roles!: ParticipantRole[];

  /** Providers: where the gateway POSTs exchange requests. */
  @Optional()
  @Text(2000)
  endpoint?: string;

  /** Where consent status changes are POSTed, signed. */
  @Optional()
  @Text(2000)
  webhookUrl?: string;

  /** The public keys its JWTs are signed with, `{"keys": [...]}`. */
  @IsObject()
  jwks!: Record<string, unknown>;
}

export class DatasetItemDto {
  @Matches(/^[a-z][a-zA-Z0-9_-]{0,62}$/, { message: 'item name must be 1-63 of letters, digits, _ and -' })
  name!: string;

  @Text(500)
  description!: string;
}

export class PublishDatasetDto {
  @Slug('datasetId')
  datasetId!: string;

  @Text(200)
  title!: string;

  @Text(2000)
  description!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => DatasetItemDto)
  items!: DatasetItemDto[];

  /** A JSON schema every payload of this dataset must match. */
  @IsObject()
  schema!: JsonObject;

  @Optional()
  @Slugs(200)
  allowedConsumers?: string[];
}

export class PurposeDto {
  @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { message: 'purpose.code must be 2-40 of A-Z 0-9 _' })
  code!: string;

  @Text(500)
  text!: string;
}

export class FrequencyDto {
  @IsIn(['once', 'periodic'])
  mode!: 'once' | 'periodic';

  @ValidateIf((dto: FrequencyDto) => dto.mode === 'periodic')
  @IsInt()
  @Min(1)
  @Max(1000)
  maxFetches?: number;

  @ValidateIf((dto: FrequencyDto) => dto.mode === 'periodic')
  @IsIn(Object.keys(PERIODS))
  per?: Period;
}

export class DataRangeDto {
  @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;
}

export class RequestConsentDto {
  @IsUUID()
  citizenId!: string;

  @Slug('datasetId')
  datasetId!: string;

  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(63, { each: true })
  items!: string[];

  @IsObject()
  @ValidateNested()
  @Type(() => PurposeDto)
  purpose!: PurposeDto;

  @IsObject()
  @ValidateNested()
  @Type(() => FrequencyDto)
  frequency!: FrequencyDto;

  @IsObject()
  @ValidateNested()
  @Type(() => DataRangeDto)
  dataRange!: DataRangeDto;

  @IsInt()
  @Min(0)
  @Max(3650)
  retentionDays!: number;

  @Optional()
  @IsISO8601({ strict: true })
  validFrom?: string;

  @IsISO8601({ strict: true })
  expiresAt!: string;
}

export class ExchangeDto {
  @Optional()
  @Slug('datasetId')
  datasetId?: string;

  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(63, { each: true })
  items?: string[];

  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => DataRangeDto)
  dataRange?: DataRangeDto;
}

/** One exchange of a batch: the same fields as a single exchange, and the consent it is made under. */
export class ExchangeItemDto extends ExchangeDto {
  @Matches(UUID, { message: 'consentId must be a UUID' })
  consentId!: string;
}

/** At most this many exchanges in one request: a request's own cost spread, its answer still prompt. */
export const MAX_EXCHANGES_PER_BATCH = 100;

/** Exchanges under many consents at once (a department's nightly run of periodic consents, say). */
export class ExchangeBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXCHANGES_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => ExchangeItemDto)
  exchanges!: ExchangeItemDto[];
}

export class ConsentSignedDto extends DeviceSignedDto {
  @IsUUID()
  citizenId!: string;
}

export class ConsentDecisionDto extends ConsentSignedDto {
  @IsIn(['approve', 'reject'])
  decision!: 'approve' | 'reject';
}
