import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

import { AppError, FieldProblem } from '../errors/app-error';

type DtoClass<T> = new () => T;

const VALIDATOR_OPTIONS = { whitelist: true, forbidNonWhitelisted: false, forbidUnknownValues: true } as const;

/** One entry per bad field (nested fields joined with dots). */
export function toFieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, message: Object.values(error.constraints).join('; ') }] : [];
    return [...own, ...toFieldProblems(error.children ?? [], field)];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a request body against a DTO class outside the pipe, for guards that run before
 * pipes (the login guard must answer 400 for a malformed body, not 401).
 */
export async function validateBody<T extends object>(dtoClass: DtoClass<T>, body: unknown): Promise<T> {
  if (!isPlainObject(body)) throw AppError.invalidRequest([], 'Request body must be a JSON object');
  const instance = plainToInstance(dtoClass, body);
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw AppError.invalidRequest(toFieldProblems(errors));
  return instance;
}

/** The global pipe: unknown fields are dropped (never an error), bad ones answer 400 invalid_request. */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      ...VALIDATOR_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => AppError.invalidRequest(toFieldProblems(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && !isPlainObject(value)) {
      throw AppError.invalidRequest([], 'Request body must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}
