import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MetricsModule } from '../metrics.module.js';

export const API_DOCS_PATH = 'docs';

/**
 * The admin metrics API's OpenAPI document at `/docs/openapi.json` and Swagger UI at `/docs`, its assets served
 * by the platform itself (swagger-ui-dist): the page works on a machine without internet access.
 */
export function serveMetricsApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Adoption metrics API')
    .setDescription(
      'Registrations, logins, active citizens, e-service adoption, corporate identity and consents, ' +
        'for administrators.\n\n' +
        '**Authorization: Bearer <token>**, the token being either\n\n' +
        '- an access token of the platform’s own OpenID Provider (issuer `$PUBLIC_URL/oidc`) issued with the ' +
        '`admin` scope to a citizen holding the administrator role: the role is granted with ' +
        '`POST /admin/citizens/{citizenId}/administrator-role` or `npm run cli -- administrators grant ' +
        '<citizenId>`, and the token obtained by signing in with iAM Smart (authorization code + PKCE) at an ' +
        'e-service registered with the `admin` scope among its allowed scopes, or at the dashboard (`/dashboard`), ' +
        'which runs that sign-in itself. The provider grants the scope ' +
        'only to holders of the role, and the API checks the role again at every request: a revocation ' +
        '(`DELETE …/administrator-role`) or a suspension closes it at once;\n' +
        '- or the configured `ADMIN_TOKEN` (operators, scripts, demo mode).\n\n' +
        'No token: `401 ADMIN_TOKEN_REQUIRED`. A token that is neither (unknown, expired, revoked): ' +
        '`401 ADMIN_TOKEN_INVALID`. A valid access token without the `admin` scope: `403 ADMIN_SCOPE_REQUIRED`; ' +
        'one whose citizen does not hold the role now: `403 ADMINISTRATOR_ROLE_REQUIRED`. Errors are RFC 9457 ' +
        'problem documents with the code in `code`.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'ADMIN_TOKEN, or an access token with the admin scope from the platform’s OpenID Provider',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, { include: [MetricsModule] });
  SwaggerModule.setup(API_DOCS_PATH, app, document, { jsonDocumentUrl: `${API_DOCS_PATH}/openapi.json` });
}
