import { Logger } from '@nestjs/common';

// Tests assert on behaviour; Nest's log lines (expected failures retried, apps starting) would only bury the report.
Logger.overrideLogger(false);
