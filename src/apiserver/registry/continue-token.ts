// Continue tokens for paginated lists: base64 of JSON {rv, start}, where rv is the revision the first
// page was read at and start the last key returned (the next page starts strictly after it).
import { badRequest } from '../../lib/errors.ts';

export interface ContinueToken { rv: number; start: string }

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ rv: t.rv, start: t.start })).toString('base64');
}

// decodeContinue parses a token, or throws badRequest for a malformed one.
export function decodeContinue(s: string): ContinueToken {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(s, 'base64').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  if (v === null || typeof v !== 'object') throw badRequest('continue key is not valid: not an object');
  const rec = v as Record<string, unknown>;
  if (typeof rec['rv'] !== 'number' || !Number.isInteger(rec['rv']) || typeof rec['start'] !== 'string' || rec['start'] === '') {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return { rv: rec['rv'], start: rec['start'] };
}
