/**
 * SCIM requests for the benchmark: `senders` concurrent senders over keep-alive connections, each taking the next
 * request in order, timing each from the first byte written to the last byte of the answer.
 */
import { Agent, request } from 'node:http';

export interface ScimRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path and query under the SCIM base URL, e.g. `/Users?filter=...`. */
  path: string;
  body?: unknown;
}

export interface ScimAnswer {
  status: number;
  json: unknown;
}

export interface TimedRun {
  requests: number;
  seconds: number;
  /** Milliseconds of each request, sorted. */
  latencies: Float64Array;
  answers: ScimAnswer[];
}

export class ScimClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    senders: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: senders });
  }

  send(r: ScimRequest): Promise<ScimAnswer> {
    const body = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/scim+json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/scim+json';
      headers['content-length'] = String(body.length);
    }
    return new Promise((resolve, reject) => {
      const req = request(`${this.baseUrl}${r.path}`, { method: r.method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text === '' ? undefined : JSON.parse(text) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Sends every request, `senders` at a time; an answer outside 2xx fails the run. */
  async run(requests: readonly ScimRequest[], senders: number): Promise<TimedRun> {
    const latencies: number[] = [];
    const answers: ScimAnswer[] = new Array(requests.length);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: senders }, async () => {
        while (next < requests.length) {
          const index = next++;
          const r = requests[index]!;
          const sent = performance.now();
          const answer = await this.send(r);
          latencies.push(performance.now() - sent);
          if (answer.status < 200 || answer.status >= 300) {
            throw new Error(`${r.method} ${r.path} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
          }
          answers[index] = answer;
        }
      }),
    );
    return {
      requests: requests.length,
      seconds: (performance.now() - started) / 1000,
      latencies: Float64Array.from(latencies).sort(),
      answers,
    };
  }

  close(): void {
    this.agent.destroy();
  }
}
