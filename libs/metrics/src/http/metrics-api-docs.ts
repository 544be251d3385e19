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
        'for administrators. ' +
        'Authorization: Bearer <ADMIN_TOKEN>.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config, { include: [MetricsModule] });
  SwaggerModule.setup(API_DOCS_PATH, app, document, { jsonDocumentUrl: `${API_DOCS_PATH}/openapi.json` });
}
