import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min, ValidateIf } from 'class-validator';
import { DEPARTMENT_CODE } from '#libs/oidc';
import { GRANULARITIES, type Granularity } from '../queries/periods.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const Optional = () => ValidateIf((_dto, value) => value !== undefined);

export class MetricsRangeQuery {
  @ApiPropertyOptional({
    description: 'first UTC day, inclusive (default: 29 days before `to`)',
    example: '2026-01-01',
  })
  @Optional()
  @Matches(DAY, { message: 'from must be a day, YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ description: 'last UTC day, inclusive (default: today)', example: '2026-12-31' })
  @Optional()
  @Matches(DAY, { message: 'to must be a day, YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({
    description:
      "a department's code: only its e-services, and the consents and exchanges whose consumer or provider it is, " +
      'count; figures with no department (citizens, login request outcomes, active citizens, corporate) stay ' +
      'platform-wide and are named so (`platformWide`, a series’ `scope`)',
    example: 'IRD',
  })
  @Optional()
  @Matches(DEPARTMENT_CODE, { message: 'department must be a code of 2-10 capital letters' })
  department?: string;

  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description: 'csv: a spreadsheet-ready export of the same rows',
  })
  @Optional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class MetricsSeriesQuery extends MetricsRangeQuery {
  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day' })
  @Optional()
  @IsIn(GRANULARITIES)
  granularity?: Granularity;
}

export class MetricsEServicesQuery extends MetricsRangeQuery {
  @ApiPropertyOptional({ description: 'the busiest first; at most this many', default: 50, maximum: 1000 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
