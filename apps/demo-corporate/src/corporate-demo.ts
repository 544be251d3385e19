import { generateKeyPairSync, randomInt } from 'node:crypto';
import { calculateJwkThumbprint, CompactSign, type JWK } from 'jose';
import { CorporateApp } from '#libs/corporate';
import { CitizenApp, checkDigitOf } from '#libs/identity';

export interface CorporateDemoOptions {
  readonly platformUrl: string;
  readonly adminToken: string;
  /** Where the demo narrates: a line per call. */
  readonly say: (line: string) => void;
  /** A citizen set up in the browser simulator (`/demo/app`), appointed too, to sign there. */
  readonly browserCitizen?: string;
}

/** The indications the relying party got at each step, for whoever plays the demo (and its test). */
export interface CorporateDemoOutcome {
  readonly corporationId: string;
  readonly sealed: string;
  readonly representative: string;
  readonly tampered: string;
  readonly afterCompromise: string;
}

interface Report {
  readonly indication: string;
  readonly subIndication?: string;
  readonly signer?: { readonly nameEn?: string; readonly kind?: string };
  readonly signingTime?: string;
}

/**
 * Digital Corporate Identity end to end, against a running platform: a company is registered with its seal key,
 * seals an invoice, has it timestamped and validated; a representative signs a contract in the app; a tampered
 * document and a key compromised before the signing fail validation.
 */
export async function playCorporateDemo({
  platformUrl,
  adminToken,
  say,
  browserCitizen,
}: CorporateDemoOptions): Promise<CorporateDemoOutcome> {
  const call = async <T>(path: string, body: unknown, asAdmin = false): Promise<T> => {
    const response = await fetch(new URL(path, platformUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(asAdmin && { authorization: `Bearer ${adminToken}` }),
      },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as T;
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const validate = async (body: object): Promise<Report> => {
    const report = await call<Report>('/corporate/signatures/validation', body);
    say(`  report: ${report.indication}${report.subIndication ? ` / ${report.subIndication}` : ''}`);
    return report;
  };
  const step = (text: string) => say(`\n▶ ${text}`);

  const corporationId = String(randomInt(10_000_000, 100_000_000));
  step(`an administrator registers Harbour Trading Limited (BR ${corporationId})`);
  await call(
    '/admin/corporations',
    {
      brNumber: corporationId,
      crNumber: '1234567',
      nameEn: 'Harbour Trading Limited',
      nameZh: '海港貿易有限公司',
    },
    true,
  );

  step('the company registers its seal key (ES256); the private key never leaves it');
  const seal = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicJwk = seal.publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk);
  await call(`/corporate/corporations/${corporationId}/keys`, { publicJwk, algorithms: ['ES256'] }, true);
  say(`  kid ${kid} (the key's RFC 7638 thumbprint)`);

  step('it seals an invoice and has the platform timestamp the signature');
  const invoice = new TextEncoder().encode('Invoice HT-2026-0042: 120 containers, HK$ 1,250,000');
  const jws = await new CompactSign(invoice).setProtectedHeader({ alg: 'ES256', kid }).sign(seal.privateKey);
  const { timestamp, genTime } = await call<{ timestamp: string; genTime: string }>(
    '/corporate/signature-timestamps',
    { jws },
  );
  say(`  timestamped at ${genTime}`);

  step('a relying party validates the sealed invoice');
  const sealed = await validate({ jws, timestamp });
  say(`  signed by ${sealed.signer?.nameEn} (${sealed.signer?.kind}) at ${sealed.signingTime}`);

  step('a director sets up the iAM Smart app and is appointed authorised signatory');
  const phone = await CitizenApp.install({ baseUrl: platformUrl });
  const digits = String(randomInt(1_000_000)).padStart(6, '0');
  await phone.register({
    nameEn: 'WONG, Ka Yan',
    hkid: `Y${digits}(${checkDigitOf('Y', digits)})`,
    dateOfBirth: '1978-11-03',
  });
  await call(
    `/corporate/corporations/${corporationId}/appointments`,
    { citizenId: phone.citizenId, role: 'authorised-signatory', eservices: ['*'] },
    true,
  );
  const app = new CorporateApp(phone);
  say(`  the app lists: ${(await app.representations()).map((r) => `${r.name} (${r.role})`).join(', ')}`);

  step('the director signs a contract for the company, approving in the app (only its digest is sent)');
  const contract = 'Charter agreement HT-2026-C-7, Harbour Trading Limited and Kowloon Shipping Co.';
  const signed = await app.sign(corporationId, contract);
  say(`  signature ${signed.signatureId} at ${signed.signedAt}`);
  const document = Buffer.from(contract).toString('base64url');
  const representative = await validate({ jws: signed.jws, document });

  step('someone alters the contract and presents the same signature');
  const tampered = await validate({
    jws: signed.jws,
    document: Buffer.from(contract.replace('HT-2026-C-7', 'HT-2026-C-8')).toString('base64url'),
  });

  step('the company learns its seal key leaked before the invoice was sealed, and revokes it');
  const compromisedSince = new Date(Date.parse(genTime) - 60_000).toISOString();
  await call(
    `/corporate/corporations/${corporationId}/keys/${kid}/revocation`,
    { reason: 'compromised', compromisedSince },
    true,
  );
  say(`  compromised since ${compromisedSince}`);
  const afterCompromise = await validate({ jws, timestamp });

  if (browserCitizen) {
    await call(
      `/corporate/corporations/${corporationId}/appointments`,
      { citizenId: browserCitizen, role: 'authorised-signatory', eservices: ['*'] },
      true,
    );
    say(`\n▶ you are appointed too: ${platformUrl}/demo/app lists the company; sign a document for it there`);
  }
  say(
    `\nEvery key with its dated history: ${platformUrl}/corporate/verification-keys?corporationId=${corporationId}`,
  );
  return {
    corporationId,
    sealed: sealed.indication,
    representative: representative.indication,
    tampered: `${tampered.indication}/${tampered.subIndication}`,
    afterCompromise: `${afterCompromise.indication}/${afterCompromise.subIndication}`,
  };
}
