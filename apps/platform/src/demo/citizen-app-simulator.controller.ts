import { randomBytes, randomInt } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Transform } from 'class-transformer';
import { checkDigitOf, CitizenApp, CitizenAppError, CLAIM_NAMES, type ClaimName } from '#libs/identity';
import { escapeHtml } from '#libs/oidc';
import { ConsentApp } from '#libs/consent';
import { CorporateApp, CorporationIdPipe, type Representation } from '#libs/corporate';
import { consentScreens, CONSENT_ACTIONS, type ConsentAction } from './consent-screens.js';
import { corporateScreens, corporationPicker, type DocumentSigned } from './corporate-screens.js';

export const DEMO_BASE_URL = Symbol('DemoBaseUrl');

class LookupDto {
  @Matches(/^[A-Za-z0-9]{4,16}$/, { message: 'the code is the 8 characters shown on the login page' })
  code!: string;
}

class DecisionDto extends LookupDto {
  @IsIn(['approve', 'deny'])
  decision!: 'approve' | 'deny';

  /** A form sends one checked box as a string, several as a list. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @IsString({ each: true })
  claims?: string[];

  /** With a corporate login: the company the citizen acts for. */
  @IsOptional()
  @Matches(/^\d{8}$/, { message: 'corporationId is a BR number' })
  corporationId?: string;
}

class DocumentDto {
  @IsString()
  @Length(1, 10_000, { message: 'type the document to sign (at most 10 000 characters)' })
  document!: string;
}

/**
 * Demo mode only: a citizen's phone in a browser tab. The keys live in this process, one simulated phone per
 * browser (by cookie); the phone talks to the platform over its public HTTP API, as the real app does.
 */
@Controller('demo/app')
export class CitizenAppSimulatorController {
  private readonly phones = new Map<string, CitizenApp>();
  /** The last document each phone signed for a company, shown once on its next page. */
  private readonly lastSigned = new Map<CitizenApp, DocumentSigned>();

  constructor(@Inject(DEMO_BASE_URL) private readonly baseUrl: string) {}

  @Get()
  async show(
    @Req() req: Request,
    @Res() res: Response,
    @Query('code') code?: string,
    @Query('message') message?: string,
  ) {
    const phone = this.phoneOf(req);
    let request: Awaited<ReturnType<CitizenApp['fetchLoginRequest']>> | undefined;
    let problem: string | undefined;
    if (phone && code) {
      try {
        request = await phone.fetchLoginRequest(code);
      } catch (error) {
        problem =
          error instanceof CitizenAppError ? `${error.code ?? error.status}` : 'the platform did not answer';
      }
    }
    const consents = phone ? await consentScreens(new ConsentApp(phone)) : '';
    const representations = phone
      ? await new CorporateApp(phone).representations().catch(() => undefined)
      : undefined;
    const lastSigned = phone && this.lastSigned.get(phone);
    if (phone) this.lastSigned.delete(phone);
    const corporations = phone ? corporateScreens(representations, lastSigned) : '';
    res
      .type('html')
      .send(
        page({ phone, code, request, message: problem ?? message, consents, corporations, representations }),
      );
  }

  /** The citizen signs a document for a company they represent: the phone sends only its digest. */
  @Post('corporations/:corporationId/sign')
  async sign(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Body() body: DocumentDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const phone = this.phoneOf(req);
    let message: string;
    if (!phone) {
      message = 'set up the app first';
    } else {
      try {
        const app = new CorporateApp(phone);
        const signed = await app.sign(corporationId, body.document);
        const name =
          (await app.representations()).find((r) => r.corporationId === corporationId)?.name ?? corporationId;
        this.lastSigned.set(phone, { ...signed, corporationName: name, document: body.document });
        message = `Signed for ${name}.`;
      } catch (error) {
        message = refusalOf(error);
      }
    }
    res.redirect(303, `/demo/app?message=${encodeURIComponent(message)}`);
  }

  /** The citizen acts on a data-sharing consent: approve or reject a request, pause, resume or revoke. */
  @Post('consents/:consentId/:action')
  async consent(
    @Param('consentId') consentId: string,
    @Param('action') action: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const phone = this.phoneOf(req);
    let message: string;
    if (!phone || !(CONSENT_ACTIONS as readonly string[]).includes(action)) {
      message = 'set up the app first';
    } else {
      const app = new ConsentApp(phone);
      try {
        const outcome =
          action === 'approve' || action === 'reject'
            ? await app.decide(await app.fetch(consentId), action)
            : await app.change(consentId, action as Exclude<ConsentAction, 'approve' | 'reject'>);
        message = `Consent ${outcome.status.toLowerCase()}.`;
      } catch (error) {
        message = refusalOf(error);
      }
    }
    res.redirect(303, `/demo/app?message=${encodeURIComponent(message)}`);
  }

  @Post('register')
  async register(@Res() res: Response): Promise<void> {
    const phone = await CitizenApp.install({ baseUrl: this.baseUrl });
    await phone.register({
      nameEn: 'CHAN, Tai Man',
      nameZh: '陳大文',
      hkid: randomHkid(),
      dateOfBirth: '1990-02-14',
    });
    const id = randomBytes(16).toString('base64url');
    this.phones.set(id, phone);
    res
      .cookie('demo_phone', id, { httpOnly: true, sameSite: 'lax', path: '/demo' })
      .redirect(303, '/demo/app');
  }

  @Post('lookup')
  lookup(@Body() body: LookupDto, @Res() res: Response): void {
    res.redirect(303, `/demo/app?code=${encodeURIComponent(body.code.toUpperCase())}`);
  }

  @Post('decide')
  async decide(@Body() body: DecisionDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const phone = this.phoneOf(req);
    if (!phone) {
      res.redirect(303, '/demo/app?message=set%20up%20the%20app%20first');
      return;
    }
    let message: string;
    try {
      const request = await phone.fetchLoginRequest(body.code);
      const claims = (body.claims ?? []).filter((c): c is ClaimName =>
        (CLAIM_NAMES as readonly string[]).includes(c),
      );
      if (body.decision === 'approve') await phone.approve(request, claims, body.corporationId);
      else await phone.deny(request);
      message = body.decision === 'approve' ? 'Approved: the login page continues by itself.' : 'Denied.';
    } catch (error) {
      message = refusalOf(error);
    }
    res.redirect(303, `/demo/app?message=${encodeURIComponent(message)}`);
  }

  private phoneOf(req: Request): CitizenApp | undefined {
    const id = /(?:^|;\s*)demo_phone=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
    return id ? this.phones.get(id) : undefined;
  }
}

function randomHkid(): string {
  const letter = String.fromCharCode(65 + randomInt(26));
  const digits = String(randomInt(1_000_000)).padStart(6, '0');
  return `${letter}${digits}(${checkDigitOf(letter, digits)})`;
}

function page(input: {
  phone: CitizenApp | undefined;
  code: string | undefined;
  request: Awaited<ReturnType<CitizenApp['fetchLoginRequest']>> | undefined;
  message: string | undefined;
  /** The consent screens (see consent-screens.ts), already HTML. */
  consents: string;
  /** The corporate screens (see corporate-screens.ts), already HTML. */
  corporations: string;
  representations: readonly Representation[] | undefined;
}): string {
  const e = escapeHtml;
  const setup = input.phone
    ? `<p>This phone belongs to citizen <code>${e(input.phone.citizenId)}</code> (CHAN, Tai Man 陳大文).</p>`
    : `<form method="post" action="/demo/app/register"><p>No iAM Smart account on this phone yet.</p>
       <button id="register">Set up the app (register a demo citizen)</button></form>`;
  const lookup = input.phone
    ? `<form method="post" action="/demo/app/lookup"><label>Code shown on the login page
       <input name="code" id="code" autocomplete="off" value="${e(input.code ?? '')}" required></label>
       <button id="lookup">Find the login request</button></form>`
    : '';
  const request = input.request
    ? `<form method="post" action="/demo/app/decide"><h2>${e(input.request.eServiceName)} asks you to log in</h2>
       <input type="hidden" name="code" value="${e(input.code ?? '')}">
       ${input.request.claims.length ? '<p>Share:</p>' : '<p>No personal data is requested.</p>'}
       ${input.request.claims
         .map(
           (c) => `<label><input type="checkbox" name="claims" value="${e(c)}" checked> ${e(c)}</label><br>`,
         )
         .join('')}
       ${input.request.offlineAccess ? `<p id="offline-access"><strong>${e(input.request.eServiceName)} will keep access</strong> to what you share after you leave it, until you log out of it or the access is revoked.</p>` : ''}
       ${input.request.corporate ? corporationPicker(input.representations ?? [], input.request.eServiceId) : ''}
       <button name="decision" value="approve" id="approve">Approve</button>
       <button name="decision" value="deny" id="deny">Deny</button></form>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>iAM Smart app (simulator)</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
.message{padding:.5rem;background:#eef4fb}</style></head><body><h1>iAM Smart app <small>(simulator)</small></h1>
${input.message ? `<p class="message" role="status">${e(input.message)}</p>` : ''}${setup}${lookup}${request}${input.consents}${input.corporations}</body></html>`;
}

/** What the simulator shows when the platform refused the app's request, or did not answer it. */
function refusalOf(error: unknown): string {
  return error instanceof CitizenAppError
    ? `Refused: ${error.code ?? error.status}`
    : 'the platform did not answer';
}
