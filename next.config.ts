import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native modules stay outside the server bundle.
  serverExternalPackages: ['better-sqlite3', '@node-rs/argon2'],
  poweredByHeader: false,
  experimental: {
    // Server action bodies above this are refused before they reach our code (proxy.ts answers 413).
    serverActions: { bodySizeLimit: '64kb' },
  },
};

export default nextConfig;
