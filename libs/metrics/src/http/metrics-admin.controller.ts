import { Controller, Get, Inject, Param, ParseEnumPipe, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiParam,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminGuard, CLOCK, type Clock } from '#libs/eventsourcing';
import {
  AdoptionQueries,
  SERIES,
  type AdoptionSummary,
  type DepartmentAdoption,
  type EServiceUsage,
  type FigureScope,
  type SeriesName,
  type SeriesPoint,
} from '../queries/adoption-queries.js';
import { toCsv } from './csv.js';
import { dateRangeOf } from './date-range.js';
import { MetricsEServicesQuery, MetricsRangeQuery, MetricsSeriesQuery } from './metrics-query.dto.js';

/**
 * The administrators' adoption figures: read from the daily counters, so each answer costs the same on a
 * month-old platform and on one with millions of logins. Every list can be had as CSV (`format=csv`).
 */
@ApiTags('adoption metrics')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: '`ADMIN_TOKEN_REQUIRED` (no bearer token) or `ADMIN_TOKEN_INVALID` (unknown or expired token)',
})
@ApiForbiddenResponse({
  description:
    '`ADMIN_SCOPE_REQUIRED` (an access token without the admin scope) or `ADMINISTRATOR_ROLE_REQUIRED` ' +
    '(its citizen does not hold the administrator role now)',
})
@Controller('admin/metrics')
@UseGuards(AdminGuard)
export class MetricsAdminController {
  constructor(
    private readonly queries: AdoptionQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('summary')
  @ApiOkResponse({
    description:
      'registrations, logins, failures by reason, active citizens, adoption rate; corporate figures ' +
      '(corporations, representatives, signatures, validations by result) and consents (the funnel of status ' +
      'transitions, exchanges per provider and consumer, refusals by reason, failures). With `department`, ' +
      "logins, claims, e-services and consents are the department's (consents and exchanges whose consumer or " +
      'provider it is); `platformWide` names the figures that stay platform-wide',
  })
  summary(@Query() query: MetricsRangeQuery): Promise<AdoptionSummary> {
    return this.queries.summary(dateRangeOf(query, this.clock.now()));
  }

  @Get('series/:name')
  @ApiParam({ name: 'name', enum: SERIES })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description:
      '`{name, granularity, scope, points: [{period, value}]}`, empty periods included; `scope` is ' +
      '`department` when the department filter narrowed the series, `platform-wide` when there is none or the ' +
      'series has no department (registrations, login requests, active citizens, corporate figures)',
  })
  async series(
    @Param('name', new ParseEnumPipe(Object.fromEntries(SERIES.map((s) => [s, s])))) name: SeriesName,
    @Query() query: MetricsSeriesQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ name: SeriesName; granularity: string; scope: FigureScope; points: SeriesPoint[] } | string> {
    const granularity = query.granularity ?? 'day';
    const range = dateRangeOf(query, this.clock.now());
    const points = await this.queries.series(name, range, granularity);
    if (query.format === 'csv') return csv(response, `${name}-${granularity}`, points);
    return { name, granularity, scope: this.queries.scopeOf(name, range), points };
  }

  @Get('departments')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'per department: e-services registered and integrated, adoption rate, logins',
  })
  async departments(
    @Query() query: MetricsRangeQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ departments: DepartmentAdoption[] } | string> {
    const departments = await this.queries.departments(dateRangeOf(query, this.clock.now()));
    if (query.format === 'csv') return csv(response, 'departments', departments);
    return { departments };
  }

  @Get('eservices')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'e-services, the busiest first: logins and failed logins in the range' })
  async eservices(
    @Query() query: MetricsEServicesQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ eservices: EServiceUsage[] } | string> {
    const all = await this.queries.eservices(dateRangeOf(query, this.clock.now()));
    const eservices = all.slice(0, query.limit ?? 50);
    if (query.format === 'csv') return csv(response, 'eservices', eservices);
    return { eservices };
  }
}

function csv(response: Response, name: string, rows: readonly object[]): string {
  response.setHeader('content-type', 'text/csv; charset=utf-8');
  response.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
  return toCsv(rows);
}
