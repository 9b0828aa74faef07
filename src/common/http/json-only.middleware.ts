import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error';

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The API speaks JSON only: a body of any other type answers 415 before it is read. */
export function jsonOnlyMiddleware(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
    next(new AppError('unsupported_media_type', 'Request body must be application/json'));
    return;
  }
  next();
}
