import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { admissionReviewSchema, type AdmissionReview } from "../../src/core/admission/admission-review.ts";

/** examples/admission, the AdmissionReviews `make demo` sends (real payload shapes). */
export const EXAMPLE_REVIEWS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "admission");

/** An example AdmissionReview as raw JSON (fresh copy each call). */
export function rawReview(file: string): { apiVersion: string; kind: string; request: Record<string, unknown> & { uid: string; object?: unknown; oldObject?: unknown } } {
  return JSON.parse(readFileSync(join(EXAMPLE_REVIEWS, file), "utf8"));
}

/** An example AdmissionReview, parsed with the production schema. */
export function parsedReview(file: string): AdmissionReview {
  return admissionReviewSchema.parse(rawReview(file));
}
