import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DASHBOARD_PAGE } from './dashboard-page.js';

/**
 * The page itself holds no figures: its script asks the admin API with the access token it got by signing the
 * administrator in with iAM Smart (or the admin token an operator types in), kept in the tab's sessionStorage only.
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header(
    'content-security-policy',
    "default-src 'none'; connect-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
  )
  page(): string {
    return DASHBOARD_PAGE;
  }
}
