// Who is on the other end of the connection. Directly, that is the socket's peer. Behind a reverse
// proxy every request comes from the proxy, so the client is read from X-Forwarded-For — but only when
// the peer is a proxy the operator listed (STYRINGSDATA_TRUSTED_PROXIES); anyone else could write any
// address into that header and so escape the per-address login throttle.
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/** STYRINGSDATA_TRUSTED_PROXIES: addresses or CIDR ranges, separated by commas or spaces. */
export function trustedProxiesFromEnv(value = process.env.STYRINGSDATA_TRUSTED_PROXIES): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

export class ClientAddresses {
  private readonly trusted = new BlockList();
  readonly hasTrustedProxies: boolean;

  /** @param trustedProxies e.g. ['127.0.0.1', '10.0.0.0/8', 'fd00::/8']; an invalid entry throws. */
  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address);
      const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
      if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32))
        throw new Error(`STYRINGSDATA_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.5 or 10.0.0.0/8).`);
      this.trusted.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
    }
    this.hasTrustedProxies = trustedProxies.length > 0;
  }

  /** The socket's peer ('unknown' for app.request() in tests, which has no socket). */
  peer(c: Context): string {
    try {
      return normalise(getConnInfo(c).remote.address ?? 'unknown');
    } catch {
      return 'unknown';
    }
  }

  isTrusted(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** True when the request came through a proxy we believe (so its X-Forwarded-* headers count). */
  viaTrustedProxy(c: Context): boolean {
    return this.hasTrustedProxies && this.isTrusted(this.peer(c));
  }

  /**
   * The client's address. Through a trusted proxy: X-Forwarded-For read from the right, skipping
   * trusted proxies (each appends the address it received from); the first other address is the
   * client, since everything to its left was written by the client itself.
   */
  of(c: Context): string {
    const peer = this.peer(c);
    if (!this.hasTrustedProxies || !this.isTrusted(peer)) return peer;
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => normalise(hop.trim()))
      .filter(Boolean);
    for (let index = forwarded.length - 1; index >= 0; index--) {
      const hop = forwarded[index]!;
      if (!this.isTrusted(hop)) return isIP(hop) ? hop : 'invalid-forwarded-for';
    }
    return forwarded[0] ?? peer;
  }
}

/** '::ffff:10.0.0.1' (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
