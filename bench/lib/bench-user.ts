// A bench's user on its running server: created in the private store if missing, logged in over HTTP,
// the bearer token returned. Lives in bench/lib/ so bench/run.ts does not take it for a bench.
import { createUser, findUser } from '../../api/auth/users.ts';
import type { RunningServer } from '../../api/server.ts';
import type { Role } from '../../contract/types.ts';

export async function benchUserToken(server: Pick<RunningServer, 'url' | 'runtime'>, username: string, role: Role): Promise<string> {
  const store = server.runtime.services.privateStore;
  const password = `${username}-password`;
  if (!(await findUser(store, username))) await createUser(store, { username, password, role, municipalities: [] });
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`bench login ${username}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}
