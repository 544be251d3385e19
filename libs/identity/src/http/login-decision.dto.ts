import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsUUID } from 'class-validator';
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
}
