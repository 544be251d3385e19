import { Module } from '@nestjs/common';
import { ChangeCorporationHandler } from './commands/change-corporation.handler.js';
import { CorporationsController } from './http/corporations.controller.js';
import { SignatureValidationController } from './http/signature-validation.controller.js';
import { CorporateRegistry } from './verification/corporate-registry.js';
import { SignatureTimestamps } from './verification/signature-timestamps.js';
import { SignatureValidator } from './verification/signature-validator.js';

/**
 * Digital Corporate Identity: corporations, their representatives and signing keys, the platform's signature
 * timestamps, and the validation of corporate signatures for relying parties.
 */
@Module({
  controllers: [CorporationsController, SignatureValidationController],
  providers: [ChangeCorporationHandler, CorporateRegistry, SignatureTimestamps, SignatureValidator],
  exports: [CorporateRegistry],
})
export class CorporateModule {}
