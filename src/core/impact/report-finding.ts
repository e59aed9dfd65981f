import type { JsonValue } from "../k8s/json.ts";
import { isSecretValue, REDACTED } from "../findings/display-value.ts";
import type { Finding } from "../findings/finding.ts";
import type { ReportFinding } from "./impact-report.ts";

function withoutValue(message: string, value: JsonValue | undefined): string {
  if (value === undefined || value === null) return message;
  const forms = typeof value === "string" ? [JSON.stringify(value), value] : [JSON.stringify(value)];
  // An empty string would match everywhere; a value that short says nothing anyway.
  return forms.filter((form) => form.length > 0).reduce((text, form) => text.replaceAll(form, REDACTED), message);
}

/**
 * A finding as the report shows it. Secret data/stringData values are replaced by `<redacted>`
 * (in from, to and in a rule's message, should it quote them): the report goes to CI logs.
 */
export function toReportFinding(group: string, kind: string, finding: Finding): ReportFinding {
  const secret = isSecretValue(group, kind, finding.segments);
  const from = secret && finding.from !== undefined ? REDACTED : finding.from;
  const to = secret && finding.to !== undefined ? REDACTED : finding.to;
  const message = secret ? withoutValue(withoutValue(finding.message, finding.from), finding.to) : finding.message;
  return {
    ruleId: finding.ruleId,
    path: finding.path,
    class: finding.class,
    severity: finding.severity,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    strategy: finding.strategy,
    message,
    ...(finding.judgedUnder ? { judgedUnder: finding.judgedUnder } : {}),
  };
}
