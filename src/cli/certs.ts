import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { AppError } from "../errors.ts";
import type { CertificateInfo } from "../adapters/tls/describe-certificate.ts";
import { ensureCertificates, type EnsureCertificatesResult } from "../adapters/tls/ensure-certificates.ts";
import { injectCaBundleText } from "../adapters/tls/inject-ca-bundle.ts";
import { DEFAULT_NAMESPACE, DEFAULT_SERVICE_NAME, serviceHosts } from "../adapters/tls/service-hosts.ts";
import { writeFileAtomic } from "../adapters/tls/write-file-atomic.ts";
import type { CommandIO } from "./io.ts";
import { writeAll } from "./io.ts";
import type { RegisterCommand } from "./main.ts";

/** Where `certs` and `serve --cert-dir` keep certificates by default (git-ignored, DESIGN "certs/"). */
export const DEFAULT_CERT_DIR = "certs";

const CertsOptions = z.object({
  dir: z.string().min(1),
  service: z.string(),
  namespace: z.string(),
  hosts: z.string().optional(),
  rotate: z.boolean().optional(),
  rotateCa: z.boolean().optional(),
  inject: z.array(z.string().min(1)).optional(),
});
type CertsOptions = z.infer<typeof CertsOptions>;

function parseOptions(raw: unknown): CertsOptions {
  const parsed = CertsOptions.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("ERR_USAGE", `certs: ${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}

function describeAction(result: EnsureCertificatesResult): string {
  if (!result.generated) return "kept the existing serving certificate";
  if (result.caGenerated) return "issued a new CA and serving certificate";
  return "issued a new serving certificate signed by the existing CA (the CA bundle is unchanged)";
}

function leafLine(leaf: CertificateInfo): string {
  return `serial ${leaf.serialNumber}, valid ${iso(leaf.notBefore)} to ${iso(leaf.notAfter)}, renew from ${iso(leaf.renewAt)}`;
}

function report(dir: string, result: EnsureCertificatesResult): string {
  const { paths, leaf, ca } = result;
  const lines = [
    `gitops-guard certs: ${describeAction(result)} in ${dir} (${result.reason})`,
    `  certificate  ${paths.cert}  ${leafLine(leaf)}`,
    `  key          ${paths.key}${result.generated ? "  (mode 0600)" : ""}`,
  ];
  if (ca) lines.push(`  CA           ${paths.ca}  ${ca.subject.replace(/\n/g, ", ")}, valid to ${iso(ca.notAfter)}`);
  if (result.caBundleSize > 1) lines.push(`  CA bundle    ${result.caBundleSize} certificates in ${paths.ca} (the signing CA first; older CAs stay until they expire)`);
  if (result.generated) lines.push(`  CA key       ${paths.caKey}  (mode 0600)`);
  lines.push(`  hosts        ${leaf.hosts.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

function warnings(result: EnsureCertificatesResult, injecting: boolean): string[] {
  const out: string[] = [];
  if (result.caGenerated && !injecting) {
    out.push("the CA is new: webhook configurations need its caBundle (run again with --inject FILE, then apply)");
  }
  if (result.missingHosts.length > 0) out.push(`the certificate does not cover ${result.missingHosts.join(", ")}`);
  if (result.issuedByCa === false) out.push(`${result.paths.ca} did not sign ${result.paths.cert}: a caBundle from it will not verify the server`);
  if (result.ca?.renewalDue) {
    out.push(`the CA expires on ${iso(result.ca.notAfter)}: serving certificates are capped at that date; rotate it with --rotate-ca --inject FILE`);
  }
  return out.map((w) => `gitops-guard certs: warning: ${w}\n`);
}

interface PendingWrite {
  readonly file: string;
  readonly text: string;
  readonly mode: number;
  readonly webhooks: number;
  readonly configurations: number;
}

/** Prepares every file first so one bad file leaves all of them untouched. */
async function prepareInjection(files: readonly string[], caPem: string): Promise<PendingWrite[]> {
  return Promise.all(
    files.map(async (file) => {
      let text: string;
      let mode: number;
      try {
        [text, mode] = await Promise.all([readFile(file, "utf8"), stat(file).then((s) => s.mode & 0o777)]);
      } catch (cause) {
        throw new AppError("ERR_INPUT_UNREADABLE", `cannot read ${file}: ${(cause as Error).message}`, { cause });
      }
      const injected = injectCaBundleText(text, caPem, file);
      if (injected.webhooks === 0) {
        throw new AppError("ERR_USAGE", `${file} has no webhooks in a MutatingWebhookConfiguration or ValidatingWebhookConfiguration`);
      }
      return { file, text: injected.text, mode, webhooks: injected.webhooks, configurations: injected.configurations };
    }),
  );
}

async function inject(files: readonly string[], result: EnsureCertificatesResult): Promise<string> {
  const caPem = result.material.ca;
  if (caPem === undefined) throw new AppError("ERR_TLS", `${result.paths.ca} does not exist: there is no CA bundle to inject`);
  const pending = await prepareInjection(files, caPem);
  const lines: string[] = [];
  for (const write of pending) {
    try {
      await writeFileAtomic(write.file, write.text, write.mode);
    } catch (cause) {
      throw new AppError("ERR_INPUT_UNREADABLE", `cannot write ${write.file}: ${(cause as Error).message}`, { cause });
    }
    lines.push(`gitops-guard certs: set caBundle (${result.paths.ca}) on ${write.webhooks} webhook(s) of ${write.configurations} configuration(s) in ${write.file}\n`);
  }
  return lines.join("");
}

async function runCerts(options: CertsOptions, io: CommandIO, now: Date): Promise<number> {
  const extraHosts = (options.hosts ?? "").split(",").map((h) => h.trim()).filter((h) => h !== "");
  const hosts = serviceHosts({ service: options.service, namespace: options.namespace, extraHosts });
  const renew = options.rotateCa === true ? "new-ca" : options.rotate === true ? "always" : "when-due";
  const result = await ensureCertificates(options.dir, { hosts, now, renew });
  const injecting = (options.inject ?? []).length > 0;
  await writeAll(io.stdout, report(options.dir, result));
  const warned = warnings(result, injecting);
  if (warned.length > 0) await writeAll(io.stderr, warned.join(""));
  if (injecting) await writeAll(io.stdout, await inject(options.inject ?? [], result));
  return 0;
}

/**
 * `gitops-guard certs`: makes the certificate directory hold a serving certificate (creating a CA
 * and certificate when there is none, renewing it when it is due or lacks a host, or now with
 * --rotate) and optionally writes the CA bundle into webhook configuration manifests.
 */
export const registerCerts: RegisterCommand = (program, io, setExitCode) => {
  program
    .command("certs")
    .description("generate or rotate the webhook's serving certificates and inject the CA bundle into webhook configurations")
    .option("--dir <dir>", "certificate directory: tls.crt, tls.key, ca.crt, ca.key", DEFAULT_CERT_DIR)
    .option("--service <name>", "Service name the API server calls", DEFAULT_SERVICE_NAME)
    .option("--namespace <namespace>", "namespace of the Service", DEFAULT_NAMESPACE)
    .option("--hosts <hosts>", "more DNS names or IP addresses for the certificate, comma-separated")
    .option("--rotate", "issue a new serving certificate now, signed by the existing CA")
    .option("--rotate-ca", "issue a new CA and serving certificate now; ca.crt keeps the previous CA until it expires, so an injected caBundle verifies old and new pods during the rollout")
    .option("--inject <files...>", "set webhooks[*].clientConfig.caBundle from ca.crt in these YAML/JSON manifests, in place")
    .action(async (raw: unknown) => {
      setExitCode(await runCerts(parseOptions(raw), io, new Date()));
    });
};
