import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const Optional = () => ValidateIf((_dto, value) => value !== undefined);

/**
 * What a relying party posts. Only the shape is checked here: whatever `jws` holds, a malformed or hostile
 * signature is answered with a validation report (FORMAT_FAILURE...), not a 400.
 */
export class SignatureValidationDto {
  /** A compact JWS (a string), or a flattened or general JSON serialization (an object). */
  @IsDefined()
  @Allow()
  jws!: unknown;

  /** For a detached payload: the payload's bytes, base64url-encoded (also with `b64: false`). */
  @Optional()
  @IsString()
  detachedPayload?: string;

  /** The platform's signature timestamp for this signature, as `POST /corporate/signature-timestamps` gave it. */
  @Optional()
  @IsString()
  @MaxLength(8192)
  timestamp?: string;

  /** For a representative signature: the signed document's bytes, base64url-encoded. */
  @Optional()
  @IsString()
  document?: string;
}

/** At most this many signatures in one request: enough to spread a request's own cost, small enough to answer fast. */
export const MAX_SIGNATURES_PER_BATCH = 100;

/** Many signatures at once (a batch of invoices, say): each answered with its own report, in order. */
export class SignatureValidationBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SIGNATURES_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => SignatureValidationDto)
  signatures!: SignatureValidationDto[];
}

/** The representative's approval in the app: their device's signature over the request. */
export class RepresentativeSigningDto {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'citizenId must be a citizen id' })
  citizenId!: string;

  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'deviceId must be the device key thumbprint' })
  deviceId!: string;

  /** SHA-256 of the document, base64url (43 characters): the platform never sees the document. */
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'documentDigest must be a base64url SHA-256 digest' })
  documentDigest!: string;

  /** A compact JWS by the device over `{action: 'sign-for-corporation', corporationId, documentDigest, iat}`. */
  @MaxLength(4096)
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { message: 'signature must be a compact JWS' })
  signature!: string;
}

export class SignatureTimestampDto {
  @IsDefined()
  @Allow()
  jws!: unknown;

  @Optional()
  @IsString()
  detachedPayload?: string;
}
