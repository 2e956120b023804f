import { z } from 'zod';

/** Single sign-on through OpenID Connect, as the environment sets it up (README, "Single sign-on"). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The button says "Sign in with <name>". */
  name: string;
  /** The ID token claim matched against a login name on the first sign-in (and a JIT user's login name). */
  loginClaim: string;
  /** The ID token claim listing the user's directory groups; null: groups are not taken from sign-ins. */
  groupsClaim: string | null;
  /** Create unknown users on their first sign-in. */
  jit: boolean;
}

export type OidcConfig = { state: 'off' } | { state: 'invalid'; problems: string[] } | { state: 'on'; settings: OidcSettings };

const claimName = z
  .string()
  .trim()
  .regex(/^[\w.:/-]{1,200}$/, 'must be a claim name (letters, digits, _ . : / -)');

const oidcEnv = z.object({
  SWITCHBOARD_OIDC_ISSUER: z
    .string()
    .trim()
    .url('must be the issuer URL (https://…)')
    .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL'),
  SWITCHBOARD_OIDC_CLIENT_ID: z.string({ error: 'is required with SWITCHBOARD_OIDC_ISSUER' }).trim().min(1, 'is required with SWITCHBOARD_OIDC_ISSUER'),
  SWITCHBOARD_OIDC_CLIENT_SECRET: z.string({ error: 'is required with SWITCHBOARD_OIDC_ISSUER' }).min(1, 'is required with SWITCHBOARD_OIDC_ISSUER'),
  SWITCHBOARD_OIDC_NAME: z.string().trim().min(1).max(60, 'must be at most 60 characters').default('SSO'),
  SWITCHBOARD_OIDC_LOGIN_CLAIM: claimName.default('preferred_username'),
  SWITCHBOARD_OIDC_GROUPS_CLAIM: claimName.optional(),
  SWITCHBOARD_OIDC_JIT: z
    .enum(['0', '1', 'true', 'false', 'on', 'off'], { error: 'must be on or off (1 or 0)' })
    .default('off')
    .transform((v) => v === '1' || v === 'true' || v === 'on'),
});

/**
 * Read the single sign-on settings. No issuer: off, the sign-in page is as it was. An issuer with
 * a missing or malformed companion: invalid, with one line per variable (the sign-in page and the
 * log say so; password sign-in goes on working).
 */
export function readOidcConfig(source: Record<string, string | undefined> = process.env): OidcConfig {
  const present = Object.fromEntries(Object.entries(source).filter(([k, v]) => k.startsWith('SWITCHBOARD_OIDC_') && v !== undefined && v !== ''));
  if (!present.SWITCHBOARD_OIDC_ISSUER) return { state: 'off' };
  const parsed = oidcEnv.safeParse(present);
  if (!parsed.success) return { state: 'invalid', problems: parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`) };
  const e = parsed.data;
  return {
    state: 'on',
    settings: {
      // Exactly as the provider names itself (some end in "/", some not): discovery compares it.
      issuer: e.SWITCHBOARD_OIDC_ISSUER,
      clientId: e.SWITCHBOARD_OIDC_CLIENT_ID,
      clientSecret: e.SWITCHBOARD_OIDC_CLIENT_SECRET,
      name: e.SWITCHBOARD_OIDC_NAME,
      loginClaim: e.SWITCHBOARD_OIDC_LOGIN_CLAIM,
      groupsClaim: e.SWITCHBOARD_OIDC_GROUPS_CLAIM ?? null,
      jit: e.SWITCHBOARD_OIDC_JIT,
    },
  };
}

let cached: OidcConfig | undefined;
/** The settings of this process (read once: the environment does not change while it runs). */
export function oidcConfig(): OidcConfig {
  return (cached ??= readOidcConfig());
}
