/** The register form of a pending device without the DOM. Unit-tested in web/test. */

export interface RegisterForm {
  password: string;
  /** '' = let the gateway detect the edition. */
  version: string;
  siteId: string;
  pointId: string;
  allowMnLength: boolean;
  /** '' = the default (letters and digits). */
  mnCharset: string;
}

/** The POST /pending-devices/:mn/register body: empty choices left out so the registry's defaults apply; a point brings its site. */
export function registerBodyOf(f: RegisterForm): Record<string, unknown> {
  return {
    password: f.password,
    ...(f.version ? { version: f.version } : {}),
    ...(f.pointId ? { pointId: f.pointId } : f.siteId ? { siteId: f.siteId } : {}),
    ...(f.allowMnLength ? { allowMnLength: true } : {}),
    ...(f.mnCharset ? { mnCharset: f.mnCharset } : {}),
  };
}
