import { ScimError } from '@scim/core';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { fromFastifyLogger } from './fastify-logger.js';
import type { ScimServerAnswer, ScimServerPluginOptions } from './scim-server-types.js';

function send(reply: FastifyReply, answer: ScimServerAnswer) {
  reply.code(answer.status).headers(answer.headers);
  return answer.body === undefined ? reply.send() : reply.send(JSON.stringify(answer.body));
}

/**
 * The SCIM 2.0 endpoints of a `@scim/scim-server` server as an encapsulated Fastify plugin:
 * `app.register(scimServerPlugin, { server: createScimServer({ store }) })` serves `/scim/v2/*`.
 *
 * Like the webhook plugin it is not wrapped with `fastify-plugin`: inside its own context it replaces every
 * content-type parser with one that keeps the raw bytes within the server's body limit, so the app's parsers
 * (and their limits) apply everywhere else and never to SCIM requests.
 */
export const scimServerPlugin: FastifyPluginAsync<ScimServerPluginOptions> = async (app, options) => {
  const { server } = options;
  if (server === null || typeof server !== 'object' || typeof server.handle !== 'function') {
    throw new ScimError('CONFIGURATION_ERROR', 'scimServerPlugin needs { server } from createScimServer');
  }
  const bodyLimit = server.maxBodyBytes;
  const basePath = `/${(options.basePath ?? '/scim/v2').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
  const loggerOf = (request: FastifyRequest) => options.logger ?? fromFastifyLogger(request.log);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  // What Fastify refuses while reading the body, answered in SCIM's error shape.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
      reply.header('connection', 'close');
      return send(reply, server.errorResponse(413, `The body exceeds ${bodyLimit} bytes`));
    }
    if (status >= 400 && status < 500) return send(reply, server.errorResponse(status, error.message));
    loggerOf(request).error('scim route failed', { error: error.name, code: error.code });
    throw error;
  });

  const route = async (request: FastifyRequest, reply: FastifyReply) => {
    // The route's own pattern, without its wildcard, is where the SCIM base sits (prefix included).
    const base = request.routeOptions.url?.replace(/\/?\*?$/, '') ?? '';
    const url = request.raw.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = (queryAt < 0 ? url : url.slice(0, queryAt)).slice(base.length) || '/';
    const body = request.body instanceof Uint8Array ? request.body : undefined;
    const answer = await server.handle({
      method: request.method,
      path,
      query: queryAt < 0 ? '' : url.slice(queryAt + 1),
      headers: request.headers,
      body,
      baseUrl: `${request.protocol}://${request.host}${base}`,
    });
    return send(reply, answer);
  };
  app.all(basePath === '' ? '/' : basePath, { bodyLimit }, route);
  app.all(`${basePath}/*`, { bodyLimit }, route);
};
