import { ParseUUIDPipe } from '@nestjs/common';

import { AppError } from '../errors/app-error';

/** Path ids are UUIDs; anything else names no resource and answers 404 not_found (never a 500 from the driver). */
export const ParseIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new AppError('not_found', 'Resource not found') });
