import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsUUID, Matches, ValidateIf } from 'class-validator';
import { CLAIM_NAMES, type ClaimName } from '../login/login-gateway.js';
import { DeviceSignedDto } from './device-signed.dto.js';

export class LoginDecisionDto extends DeviceSignedDto {
  @IsUUID()
  citizenId!: string;

  @IsIn(['approve', 'deny'])
  decision!: 'approve' | 'deny';

  /** The claims the citizen agrees to share: any of those requested, none when denying. */
  @IsArray()
  @ArrayMaxSize(CLAIM_NAMES.length)
  @ArrayUnique()
  @IsIn(CLAIM_NAMES, { each: true })
  approvedClaims!: ClaimName[];

  /** With the `corporate` scope: the corporation the citizen acts for. */
  @ValidateIf((_dto, value) => value !== undefined)
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'corporationId must be a corporation id' })
  corporationId?: string;
}
