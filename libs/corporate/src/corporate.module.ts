import { Global, Module } from '@nestjs/common';
import { CORPORATE_REPRESENTATION } from '#libs/identity';
import { AppRepresentationsController } from './app/app-representations.controller.js';
import { ChangeCorporationHandler } from './commands/change-corporation.handler.js';
import { CorporateWrites } from './commands/corporate-writes.js';
import { SignForCorporationHandler } from './commands/sign-for-corporation.handler.js';
import { RepresentativeSignatures } from './signing/representative-signatures.js';
import { CorporateAdministratorGuard } from './http/corporate-administrator.guard.js';
import { CorporationAdministrationController } from './http/corporation-administration.controller.js';
import { CorporationsController } from './http/corporations.controller.js';
import { SignatureValidationController } from './http/signature-validation.controller.js';
import { CorporateRegistry } from './verification/corporate-registry.js';
import { RegistryRepresentation } from './verification/registry-representation.js';
import { SignatureTimestamps } from './verification/signature-timestamps.js';
import { SignatureValidator } from './verification/signature-validator.js';
import { ValidationTally } from './verification/validation-tally.js';

/**
 * Digital Corporate Identity: corporations, their representatives and signing keys, the platform's signature
 * timestamps, and the validation of corporate signatures for relying parties. Global, as it provides the
 * identity context's CORPORATE_REPRESENTATION port (which corporation a citizen may pick at a login).
 */
@Global()
@Module({
  controllers: [
    CorporationsController,
    CorporationAdministrationController,
    SignatureValidationController,
    AppRepresentationsController,
  ],
  providers: [
    CorporateWrites,
    ChangeCorporationHandler,
    SignForCorporationHandler,
    CorporateRegistry,
    SignatureTimestamps,
    RepresentativeSignatures,
    SignatureValidator,
    ValidationTally,
    CorporateAdministratorGuard,
    RegistryRepresentation,
    { provide: CORPORATE_REPRESENTATION, useExisting: RegistryRepresentation },
  ],
  exports: [CorporateRegistry, ValidationTally, CORPORATE_REPRESENTATION],
})
export class CorporateModule {}
