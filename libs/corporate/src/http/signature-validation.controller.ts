import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Context, type CommandContext } from '#libs/eventsourcing';
import {
  SignForCorporationCommand,
  type RepresentativeSignature,
} from '../commands/sign-for-corporation.command.js';
import { RepresentativeSignatures } from '../signing/representative-signatures.js';
import { DomainError } from '#libs/errors';
import { CorporateRegistry } from '../verification/corporate-registry.js';
import { SignatureTimestamps } from '../verification/signature-timestamps.js';
import { SignatureValidator } from '../verification/signature-validator.js';
import type { ValidationReport } from '../verification/validation-report.js';
import { CorporationIdPipe } from './corporation-id.pipe.js';
import { verificationKeysOf } from './verification-keys.js';
import {
  RepresentativeSigningDto,
  SignatureTimestampDto,
  SignatureValidationBatchDto,
  SignatureValidationDto,
} from './signature-validation.dto.js';

/** For relying parties and signers: validation and timestamps need no credential and write nothing. */
@Controller('corporate')
export class SignatureValidationController {
  constructor(
    private readonly validator: SignatureValidator,
    private readonly timestamps: SignatureTimestamps,
    private readonly registry: CorporateRegistry,
    private readonly representatives: RepresentativeSignatures,
    private readonly commands: CommandBus,
  ) {}

  /** Always 200 with a report, whatever the signature: the indication says whether to rely on it. */
  @Post('signatures/validation')
  @HttpCode(200)
  validate(@Body() body: SignatureValidationDto): Promise<ValidationReport> {
    return this.validator.validate(body);
  }

  /**
   * Up to 100 signatures in one request, one report each, in the order sent: for relying parties that take
   * signed documents in bulk, and spend a request's own cost once for all of them.
   */
  @Post('signatures/validations')
  @HttpCode(200)
  async validateMany(@Body() body: SignatureValidationBatchDto): Promise<{ reports: ValidationReport[] }> {
    return {
      reports: await Promise.all(body.signatures.map((signature) => this.validator.validate(signature))),
    };
  }

  /**
   * The platform's signature timestamp, for a signature valid now: proof that it existed at this time, so that a
   * later revocation of its key does not undo it.
   */
  @Post('signature-timestamps')
  @HttpCode(201)
  async timestamp(
    @Body() body: SignatureTimestampDto,
    @Context() context: CommandContext,
  ): Promise<{ timestamp: string; genTime: string }> {
    const { report, timestamp } = await this.validator.timestamp(body, context);
    if (!timestamp) {
      throw new DomainError('SIGNATURE_NOT_VALID', 'only a signature valid now is timestamped', 422, {
        report,
      });
    }
    return timestamp;
  }

  /**
   * A representative signs a document for the corporation, approving in their app: the answer is the platform's
   * representative signature, which relying parties validate with the document.
   */
  @Post('corporations/:corporationId/representative-signatures')
  @HttpCode(201)
  signForCorporation(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Body() body: RepresentativeSigningDto,
    @Context() context: CommandContext,
  ): Promise<RepresentativeSignature> {
    const { documentDigest, ...signer } = body;
    return this.commands.execute(
      new SignForCorporationCommand(corporationId, documentDigest, signer, context),
    );
  }

  /**
   * Every corporation's public keys with their dated history, and the platform's keys for signature timestamps
   * and representative signatures.
   */
  @Get('verification-keys')
  async verificationKeys(@Query('corporationId') corporationId?: string) {
    const corporations = [...this.registry.all()].filter(
      (c) => corporationId === undefined || c.corporationId === corporationId,
    );
    return {
      corporations: corporations.map(verificationKeysOf),
      timestampKeys: await this.timestamps.jwks(),
      representativeSignatureKeys: await this.representatives.jwks(),
    };
  }
}
