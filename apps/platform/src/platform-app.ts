import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type Provider from 'oidc-provider';
import { OperationsMetrics, serveMetricsApiDocs } from '#libs/metrics';
import { createValidationPipe, ProblemDetailsFilter } from '#libs/eventsourcing';
import { OIDC_PROVIDER } from '#libs/oidc';
import type { PlatformConfig } from './config.js';
import { PlatformModule, type PlatformOverrides } from './platform.module.js';

/** Builds the platform exactly as `npm start` runs it; tests use it too, so they exercise the real pipeline. */
export async function createPlatformApp(
  config: PlatformConfig,
  overrides: PlatformOverrides = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(PlatformModule.forRoot(config, overrides), {
    // The OpenID Provider parses its own bodies: it is mounted before the JSON parser of the REST API.
    bodyParser: false,
    bufferLogs: false,
    logger: process.env['LOG_LEVEL'] === 'silent' ? false : ['log', 'warn', 'error'],
  });
  app.use(app.get(OperationsMetrics).middleware);
  app.use('/oidc', app.get<Provider>(OIDC_PROVIDER).callback());
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');
  serveMetricsApiDocs(app);
  return app;
}
