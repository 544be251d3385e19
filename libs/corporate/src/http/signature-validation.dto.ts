import { Allow, IsDefined, IsString, MaxLength, ValidateIf } from 'class-validator';

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
}

export class SignatureTimestampDto {
  @IsDefined()
  @Allow()
  jws!: unknown;

  @Optional()
  @IsString()
  detachedPayload?: string;
}
