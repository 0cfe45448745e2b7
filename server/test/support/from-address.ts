import { request } from 'node:http';
import type { ApiResponse } from './test-server.ts';

/**
 * `POST /auth/login` from another client address: every 127.x.y.z is this machine, and the
 * server sees the connection's source as the caller's address.
 */
export function loginFrom(server: { url: string }, address: string, email: string, password: string): Promise<ApiResponse> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: hostname,
        port,
        localAddress: address,
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers.set(name, value);
          resolve({ status: response.statusCode!, body: JSON.parse(text), headers });
        });
      },
    );
    call.on('error', reject);
    call.end(JSON.stringify({ email, password }));
  });
}
