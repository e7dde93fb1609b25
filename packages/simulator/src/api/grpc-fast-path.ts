import type http from 'node:http';
import type http2 from 'node:http2';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  DirectoryService,
  ListDirectoryUsersRequestSchema,
  ListDirectoryUsersResponseSchema,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js';
import type { DirectoryApi } from './directory-service.js';

const PATH = `/${DirectoryService.typeName}/${DirectoryService.method.listDirectoryUsers.name}`;
const MAX_REQUEST_BYTES = 64 * 1024;
const GRPC_CONTENT_TYPES = new Set(['application/grpc', 'application/grpc+proto']);

type Request = http.IncomingMessage | http2.Http2ServerRequest;
type Response = http.ServerResponse | http2.Http2ServerResponse;

/**
 * ListDirectoryUsers over plain gRPC, answered without the generic Connect handler.
 *
 * Listing is the call a sync makes thousands of times, and the generic handler (async iterables, abort
 * signals and header conversions per call) costs more CPU than everything the simulator does for a page,
 * which put a one-process listing of 100,000 users under the 20,000 users/s a sync benchmark needs. This
 * path takes only what it can answer exactly like the Connect handler (gRPC over HTTP/2, uncompressed, binary
 * protobuf) and runs the same `listUsers`; every other request goes to the Connect handler. The
 * `fastListing: false` start option turns it off, and the tests check both answer alike.
 */
export function createGrpcFastPath(api: DirectoryApi): (req: Request, res: Response) => boolean {
  return (req, res) => {
    if (req.httpVersionMajor !== 2 || req.method !== 'POST' || req.url !== PATH) return false;
    const contentType = req.headers['content-type'];
    if (contentType === undefined || !GRPC_CONTENT_TYPES.has(contentType)) return false;
    const encoding = req.headers['grpc-encoding'];
    if (encoding !== undefined && encoding !== 'identity') return false;
    answer(api, req, res as http2.Http2ServerResponse);
    return true;
  };
}

function answer(api: DirectoryApi, req: Request, res: http2.Http2ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_REQUEST_BYTES) {
      fail(res, new ConnectError('request too large', Code.ResourceExhausted));
      return;
    }
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    // One uncompressed message: flags 0, a 4-byte big-endian length, the message.
    if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
      fail(res, new ConnectError('malformed gRPC request', Code.InvalidArgument));
      return;
    }
    let request: ReturnType<typeof fromBinary<typeof ListDirectoryUsersRequestSchema>>;
    try {
      request = fromBinary(ListDirectoryUsersRequestSchema, body.subarray(5));
    } catch (error) {
      fail(res, new ConnectError('cannot decode request', Code.InvalidArgument, undefined, undefined, error));
      return;
    }
    const authorization = req.headers.authorization;
    api.listUsers(request, typeof authorization === 'string' ? authorization : null).then(
      (response) => {
        const bytes = toBinary(ListDirectoryUsersResponseSchema, response);
        const frame = Buffer.allocUnsafe(5 + bytes.length);
        frame[0] = 0;
        frame.writeUInt32BE(bytes.length, 1);
        frame.set(bytes, 5);
        res.writeHead(200, { 'content-type': 'application/grpc+proto' });
        res.addTrailers({ 'grpc-status': '0' });
        res.end(frame);
      },
      (error: unknown) => fail(res, ConnectError.from(error)),
    );
  });
}

/** A gRPC error: status and message in the trailers, with the error's metadata. */
function fail(res: http2.Http2ServerResponse, error: ConnectError): void {
  if (res.headersSent || res.stream.destroyed) return;
  const trailers: Record<string, string> = {
    'grpc-status': String(error.code),
    'grpc-message': encodeURIComponent(error.rawMessage),
  };
  error.metadata.forEach((value, key) => {
    trailers[key] = value;
  });
  res.writeHead(200, { 'content-type': 'application/grpc+proto' });
  res.addTrailers(trailers);
  res.end();
}
