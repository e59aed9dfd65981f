import { builtinResources } from "../kube-apiserver/builtin-resources.ts";
import type { SimulatedApiServer } from "../kube-apiserver/start-kube-api-server.ts";
import { deploymentValidation } from "./deployment-validation.ts";
import { jobGeneratedSelector } from "./job-generated-selector.ts";
import { jobValidation } from "./job-validation.ts";
import { pvcValidation } from "./pvc-validation.ts";

/**
 * Gives the simulated API server the registry strategies of the kinds the end-to-end stories
 * apply, as kube-apiserver has them built in: Deployment, Job and PersistentVolumeClaim validation
 * (immutable fields answered with 422 Invalid between mutating and validating admission), and the
 * Job's generated selector on create. The simulator has no per-kind validation of its own
 * (its README, "Not simulated"); these are written from the Kubernetes source as catalogued in
 * reference/k8s-immutable-fields.md, independently of gitops-guard's rule catalogue.
 */
export function installBuiltinStrategies(server: SimulatedApiServer): void {
  server.setValidator("deployments.apps", deploymentValidation);
  server.setValidator("jobs.batch", jobValidation);
  server.setValidator("persistentvolumeclaims", pvcValidation);
  const jobs = builtinResources().find((resource) => resource.group === "batch" && resource.plural === "jobs");
  if (!jobs) throw new Error("simulated API server: no batch/v1 jobs resource to extend");
  server.registerResource({ ...jobs, prepareForCreate: (job) => jobGeneratedSelector(job) });
}
