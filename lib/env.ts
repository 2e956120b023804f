import { z } from 'zod';

/** The environment, validated in one place. */
const envSchema = z.object({
  SWITCHBOARD_DB: z.string().min(1).default('./data/switchboard.db'),
  SWITCHBOARD_PRESET: z.string().min(1).default('liveperson'),
  SWITCHBOARD_DEMO_PASSWORD: z.string().min(8, 'SWITCHBOARD_DEMO_PASSWORD must be at least 8 characters').optional(),
  /** Milliseconds SQLite waits for a lock before a write is refused with "try again". */
  SWITCHBOARD_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The address the server listens on (scripts/server.mjs). */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** The structured log's level. */
  SWITCHBOARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** 1: a reverse proxy in front sets X-Forwarded-Host/-Proto, and the origin check believes them. */
  SWITCHBOARD_TRUST_PROXY: z.enum(['0', '1']).default('0'),
  AUTH_SECRET: z.string().min(32).optional(),
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
