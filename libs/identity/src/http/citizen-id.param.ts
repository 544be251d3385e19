import { Param, ParseUUIDPipe } from '@nestjs/common';

/** The `:citizenId` of a route, refused with a 400 unless it is a UUID. */
export const CitizenIdParam = (): ParameterDecorator => Param('citizenId', new ParseUUIDPipe());
