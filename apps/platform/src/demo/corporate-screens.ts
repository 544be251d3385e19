import { SIGNING_ROLES, type Representation, type RepresentativeSignature } from '#libs/corporate';
import { escapeHtml as e } from '#libs/oidc';

/** A signature the simulator made, kept to show it once with what a relying party needs to validate it. */
export interface DocumentSigned extends RepresentativeSignature {
  readonly corporationName: string;
  readonly document: string;
}

/** The simulator's corporate screens: the companies the citizen represents, signing for them, the last signature. */
export function corporateScreens(
  representations: readonly Representation[] | undefined,
  lastSigned: DocumentSigned | undefined,
): string {
  if (!representations) return '<p>The companies you represent could not be read.</p>';
  const cards = representations
    .map((r) => {
      const sign = SIGNING_ROLES.includes(r.role)
        ? `<form method="post" action="/demo/app/corporations/${e(r.corporationId)}/sign">
           <label>Document to sign<br><textarea name="document" rows="2" cols="40" required>Purchase order #1001</textarea></label><br>
           <button id="sign-${e(r.corporationId)}">Sign for ${e(r.name)}</button></form>`
        : '';
      return `<div class="corporation"><p><strong>${e(r.name)}</strong>${r.nameZh ? ` ${e(r.nameZh)}` : ''}
        (BR ${e(r.corporationId)}): ${e(r.role)} for ${e(r.eservices.join(', '))}${r.validUntil ? ` until ${e(r.validUntil)}` : ''}</p>${sign}</div>`;
    })
    .join('');
  const signed = lastSigned
    ? `<h4>Signed for ${e(lastSigned.corporationName)} at ${e(lastSigned.signedAt)}</h4>
       <p>Relying parties validate it with the document (base64url) at <code>POST /corporate/signatures/validation</code>:</p>
       <textarea readonly rows="6" cols="40" id="signed-request">${e(
         JSON.stringify({
           jws: lastSigned.jws,
           document: Buffer.from(lastSigned.document).toString('base64url'),
         }),
       )}</textarea>`
    : '';
  return `<h3>Companies I represent</h3>${cards || '<p>None: a company appoints you first.</p>'}${signed}`;
}

/** At a corporate login, the companies the citizen may act for at that e-service. */
export function corporationPicker(representations: readonly Representation[], eServiceId: string): string {
  const offered = representations.filter(
    (r) => r.eservices.includes('*') || r.eservices.includes(eServiceId),
  );
  if (offered.length === 0) return '<p>This e-service asks for a company, and you represent none for it.</p>';
  return `<label>Acting for <select name="corporationId" id="corporationId">${offered
    .map((r) => `<option value="${e(r.corporationId)}">${e(r.name)} (${e(r.role)})</option>`)
    .join('')}</select></label><br>`;
}
