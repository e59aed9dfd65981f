/**
 * A Kubernetes minor release (`1.37`): what the catalogue's rules are dated by. Patch releases
 * do not change update validation (the reference notes one exception, the ServiceCIDR fix
 * back-ported within v1.33, which the catalogue dates to v1.33 itself).
 */
export interface KubeRelease {
  readonly major: 1;
  readonly minor: number;
}

/**
 * The releases the catalogue was checked against: v1.33–v1.35 (reference/k8s-immutable-fields.md)
 * and v1.34–v1.37 (reference/k8s-immutability-1.34-plus.md, "v1.37.0 is the newest stable
 * release"). Rules dated before v1.33 hold in every known release.
 */
export const OLDEST_KNOWN_MINOR = 33;
export const NEWEST_KNOWN_MINOR = 37;

export function knownReleases(): KubeRelease[] {
  const out: KubeRelease[] = [];
  for (let minor = OLDEST_KNOWN_MINOR; minor <= NEWEST_KNOWN_MINOR; minor++) out.push({ major: 1, minor });
  return out;
}

export const NEWEST_KNOWN_RELEASE: KubeRelease = { major: 1, minor: NEWEST_KNOWN_MINOR };

export function formatRelease(release: KubeRelease): string {
  return `${release.major}.${release.minor}`;
}

/** The longest version text read (a gitVersion like `v1.37.2-eks-1-37-20260801` is about 30). */
const MAX_VERSION_LENGTH = 64;

/**
 * Reads `1.37`, `v1.37`, `v1.37.2`, and the gitVersion of managed clusters (`v1.36.4-gke.1200`,
 * `v1.37.0+k3s1`, `v1.35.6-eks-3025e55`): the major and minor release; undefined otherwise.
 */
export function parseRelease(text: string): KubeRelease | undefined {
  if (text.length > MAX_VERSION_LENGTH) return undefined;
  const match = /^v?(\d{1,3})\.(\d{1,3})(?:\.\d{1,4})?(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text.trim());
  if (!match || match[1] !== "1") return undefined;
  return { major: 1, minor: Number(match[2]) };
}

/**
 * The release of discovery's `/version` body (`{"major":"1","minor":"37+","gitVersion":"v1.37.2-…"}`):
 * gitVersion first, then major/minor (some providers append `+` to minor).
 */
export function releaseOfVersionInfo(info: { readonly major?: string; readonly minor?: string; readonly gitVersion?: string }): KubeRelease | undefined {
  const fromGit = info.gitVersion !== undefined ? parseRelease(info.gitVersion) : undefined;
  if (fromGit) return fromGit;
  if (info.major === undefined || info.minor === undefined) return undefined;
  return parseRelease(`${info.major}.${info.minor.replace(/\+$/, "")}`);
}

/** Negative when a is older than b. */
export function compareReleases(a: KubeRelease, b: KubeRelease): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

export function isKnownRelease(release: KubeRelease): boolean {
  return release.major === 1 && release.minor >= OLDEST_KNOWN_MINOR && release.minor <= NEWEST_KNOWN_MINOR;
}

/** The nearest known release: older clusters are judged as v1.33, newer ones as the newest known. */
export function nearestKnownRelease(release: KubeRelease): KubeRelease {
  const minor = Math.min(NEWEST_KNOWN_MINOR, Math.max(OLDEST_KNOWN_MINOR, release.minor));
  return { major: 1, minor };
}
