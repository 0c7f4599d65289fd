import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

/**
 * Security headers with a strict Content-Security-Policy: scripts and styles
 * from this origin, or inline only with the per-request nonce.
 */
export const security = fp<{ https: boolean }>(
  async (app, options) => {
    await app.register(helmet, {
      enableCSPNonces: true,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
          ...(options.https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: options.https,
      crossOriginEmbedderPolicy: false,
    });
  },
  { name: 'security' },
);
