import { z } from "zod";
import { AppError } from "../errors.ts";
import { installOptionsSchema, type InstallOptions, type InstallOptionsInput } from "../core/install/install-options.ts";
import { installFlags } from "../core/install/install-flags.ts";
import { installFiles, installResources } from "../core/install/install-resources.ts";
import { INSTALL_VARIANTS } from "../core/install/install-variants.ts";
import { renderFile, renderInstall, renderKustomization } from "../adapters/install/render-install.ts";
import { writeKustomizeDir } from "../adapters/install/write-kustomize-dir.ts";
import type { RegisterCommand } from "./main.ts";
import { writeAll } from "./io.ts";

const RawFlags = z.object({
  export: z.boolean().optional(),
  variant: z.string().optional(),
  kustomizeDir: z.string().min(1).optional(),
  namespace: z.string().optional(),
  image: z.string().optional(),
  replicas: z.string().regex(/^[0-9]{1,3}$/, "a whole number").transform(Number).optional(),
  certificates: z.string().optional(),
  mode: z.string().optional(),
  components: z.string().transform((s) => s.split(",").map((c) => c.trim()).filter((c) => c !== "")).optional(),
  prometheusOperator: z.boolean().optional(),
  controlPlaneCidr: z.array(z.string()).optional(),
  prometheusNamespace: z.string().optional(),
});
type RawFlags = z.infer<typeof RawFlags>;

/** Schema key → the flag a user typed, for error messages. */
const FLAG_OF: ReadonlyMap<string, string> = new Map([["controlPlaneCidrs", "--control-plane-cidr"], ["controlPlaneCidr", "--control-plane-cidr"], ["prometheusOperator", "--prometheus-operator"], ["prometheusNamespace", "--prometheus-namespace"], ["kustomizeDir", "--kustomize-dir"]]);
const flagOf = (key: PropertyKey | undefined): string => (key === undefined ? "(flags)" : (FLAG_OF.get(String(key)) ?? `--${String(key)}`));

function usage(issues: readonly z.core.$ZodIssue[]): AppError {
  return new AppError("ERR_USAGE", `install: ${issues.map((i) => `${flagOf(i.path[0])}: ${i.message}`).join("; ")}`);
}

function variantOptions(name: string | undefined): InstallOptionsInput {
  if (name === undefined) return {};
  const variant = INSTALL_VARIANTS.find((v) => v.name === name);
  if (!variant) throw new AppError("ERR_USAGE", `install: --variant: one of ${INSTALL_VARIANTS.map((v) => v.name).join(", ")}`);
  return variant.options;
}

/** The options: a variant's (when named), then each flag given over it; validated by the core's schema. */
function parseFlags(raw: unknown): { flags: RawFlags; options: InstallOptions } {
  const parsed = RawFlags.safeParse(raw);
  if (!parsed.success) throw usage(parsed.error.issues);
  const f = parsed.data;
  const input: Record<string, unknown> = { ...variantOptions(f.variant) };
  const given: [string, unknown][] = [
    ["namespace", f.namespace], ["image", f.image], ["replicas", f.replicas], ["certificates", f.certificates], ["mode", f.mode],
    ["components", f.components], ["prometheusOperator", f.prometheusOperator], ["controlPlaneCidrs", f.controlPlaneCidr], ["prometheusNamespace", f.prometheusNamespace],
  ];
  for (const [key, value] of given) if (value !== undefined) input[key] = value;
  const options = installOptionsSchema.safeParse(input);
  if (!options.success) throw usage(options.error.issues);
  return { flags: f, options: options.data };
}

function exportHeader(options: InstallOptions): string {
  const flags = installFlags(options);
  const lines = [
    `# gitops-guard install --export${flags.length > 0 ? ` ${flags.join(" ")}` : ""}`,
    "# Commit it to the fleet repository, or pipe it to kubectl apply -f - (the webhook configurations come last).",
  ];
  if (options.components.includes("serve") && options.certificates === "self") {
    lines.push(`# Certificates first: gitops-guard certs --namespace ${options.namespace} --inject THIS_FILE, then the Secret (docs/install.md; never ca.key).`);
  }
  return `${lines.join("\n")}\n`;
}

function kustomizationHeader(options: InstallOptions, variant: string | undefined): string {
  const description = INSTALL_VARIANTS.find((v) => v.name === variant)?.description;
  const flags = installFlags(options);
  return [
    `# Generated: gitops-guard install --export --kustomize-dir DIR${flags.length > 0 ? ` ${flags.join(" ")}` : ""} (make manifests).`,
    "# Plain on purpose: every object is written out, no patches; test/manifests checks the files equal the generated output.",
    ...(description !== undefined ? [`# ${variant}: ${description}.`] : []),
    "",
  ].join("\n");
}

/**
 * `gitops-guard install --export`: the whole install as multi-document YAML on stdout (the Flux
 * convention), or with --kustomize-dir the same objects as a plain kustomize folder.
 */
export const registerInstall: RegisterCommand = (program, io, setExitCode) => {
  program
    .command("install")
    .description("print the install manifests (serve, watch, RBAC, webhooks, certificates, alerts) as YAML")
    .option("--export", "print the manifests (gitops-guard applies nothing itself: pipe them to kubectl apply -f - or commit them)")
    .option("--kustomize-dir <dir>", "write them as a plain kustomize folder (one file per concern and a kustomization.yaml) instead")
    .option("--variant <name>", `start from a shipped variant: ${INSTALL_VARIANTS.map((v) => v.name).join(", ")}`)
    .option("--namespace <ns>", "namespace to install into (default gitops-guard)")
    .option("--image <ref>", "container image of serve and watch")
    .option("--replicas <n>", "serve replicas (watch runs 2, or 1 when this is 1)")
    .option("--certificates <source>", "self (gitops-guard certs and certs --inject) or cert-manager (Issuer, Certificate, cainjector)")
    .option("--mode <mode>", "the policy's starting mode: audit or enforce")
    .option("--components <list>", "serve, watch or serve,watch")
    .option("--prometheus-operator", "add PrometheusRules and ServiceMonitors")
    .option("--control-plane-cidr <cidr...>", "add a NetworkPolicy admitting only kube-apiserver from these CIDRs (and Prometheus) to serve")
    .option("--prometheus-namespace <ns>", "namespace Prometheus scrapes from (NetworkPolicy)")
    .action(async (raw: unknown) => {
      const { flags, options } = parseFlags(raw);
      if (flags.export !== true) throw new AppError("ERR_USAGE", "install: --export is required (gitops-guard applies nothing itself: gitops-guard install --export | kubectl apply -f -)");
      const resources = installResources(options);
      if (flags.kustomizeDir === undefined) {
        await writeAll(io.stdout, renderInstall(resources, exportHeader(options)));
      } else {
        const files = new Map(installFiles(resources).map((file) => [file, renderFile(resources, file)] as const));
        files.set("kustomization.yaml", renderKustomization(resources, kustomizationHeader(options, flags.variant)));
        await writeKustomizeDir(flags.kustomizeDir, files);
        await writeAll(io.stderr, `gitops-guard install: wrote ${files.size} files to ${flags.kustomizeDir}\n`);
      }
      setExitCode(0);
    });
};
