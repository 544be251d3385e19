import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-details.js';

/** The one place where errors become HTTP answers: problem+json, no stack trace, no request data in logs. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = toProblem(error);
    if (problem.status >= 500) {
      // The route pattern, not the URL: a URL can carry personal data in its path or query.
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched route';
      this.logger.error(`${request.method} ${route} failed with ${errorName(error)}`);
    }
    if (response.headersSent) return;
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
