/** An API error as client-go's StatusError carries it: the Status body's code, reason and message. */
export interface ApiFailure {
  /** HTTP status code (the Status `code`). */
  readonly code: number;
  /** metav1.StatusReason; "" when the body names none. */
  readonly reason: string;
  readonly message: string;
}

// apimachinery/pkg/api/errors knownReasons: a reason outside this set counts as unknown, and an
// unknown reason is classified by the HTTP code alone (metav1.StatusReasonUnknown "" is unknown too).
const KNOWN_REASONS = new Set([
  "Unauthorized", "Forbidden", "NotFound", "AlreadyExists", "Conflict", "Gone", "Invalid", "ServerTimeout",
  "StoreReadError", "Timeout", "TooManyRequests", "BadRequest", "MethodNotAllowed", "NotAcceptable",
  "RequestEntityTooLarge", "UnsupportedMediaType", "InternalError", "Expired", "ServiceUnavailable",
]);

// fluxcd/pkg ssa/errors/immutable.go matchImmutableFieldErrors `.*is\simmutable.*`, `.*immutable\sfield.*`:
// unanchored, so the `.*` add nothing; Go's \s is [\t\n\f\r ] (narrower than JavaScript's).
const IMMUTABLE_PHRASES = [/is[\t\n\f\r ]immutable/, /immutable[\t\n\f\r ]field/];

function classified(failure: ApiFailure, reason: string, code: number): boolean {
  return failure.reason === reason || (!KNOWN_REASONS.has(failure.reason) && failure.code === code);
}

/**
 * fluxcd/pkg ssa/errors IsImmutableError, exactly (reference/gitops-tools.md §1.2):
 * apierrors.IsConflict (reason Conflict, or an unknown reason with 409) or apierrors.IsInvalid
 * (reason Invalid, or an unknown reason with 422), or the error text matching `.*is\simmutable.*`
 * or `.*immutable\sfield.*`.
 */
export function isImmutableError(failure: ApiFailure): boolean {
  if (classified(failure, "Conflict", 409) || classified(failure, "Invalid", 422)) return true;
  return IMMUTABLE_PHRASES.some((re) => re.test(failure.message));
}
