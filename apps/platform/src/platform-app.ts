import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createValidationPipe, ProblemDetailsFilter } from '#libs/eventsourcing';
import type { PlatformConfig } from './config.js';
import { PlatformModule, type PlatformOverrides } from './platform.module.js';

/** Builds the platform exactly as `npm start` runs it; tests use it too, so they exercise the real pipeline. */
export async function createPlatformApp(
  config: PlatformConfig,
  overrides: PlatformOverrides = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(PlatformModule.forRoot(config, overrides), {
    bufferLogs: false,
    logger: process.env['LOG_LEVEL'] === 'silent' ? false : ['log', 'warn', 'error'],
  });
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');
  return app;
}
