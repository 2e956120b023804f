import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native modules stay outside the server bundle.
  serverExternalPackages: ['better-sqlite3', '@node-rs/argon2', 'pino'],
  poweredByHeader: false,
  // Every response, the API and static files included; pages get their CSP from proxy.ts.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
  // The AuthZEN metadata lives at a dot-folder path, which the App Router does not route.
  async rewrites() {
    return [{ source: '/.well-known/authzen-configuration', destination: '/access/well-known/authzen-configuration' }];
  },
  experimental: {
    // Server action bodies above this are refused before they reach our code (proxy.ts answers 413).
    serverActions: { bodySizeLimit: '64kb' },
  },
};

export default nextConfig;
