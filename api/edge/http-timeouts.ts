// Node's HTTP server timeouts (passed to http.createServer by api/server.ts).
// - headersTimeout: a client has 20 s to send its request line and headers, so idle or trickling
//   connections (slowloris) are closed early.
// - requestTimeout: the whole request, body included, must arrive within 1 hour. Node's default
//   (5 minutes) would cut off a large extract on an ordinary office line: 2 GB (the upload limit)
//   arrive in about 30 minutes at 10 Mbit/s. Node cannot set this per route, so it is generous for all;
//   every other body is at most 1 MB (api/edge/body-limits.ts) and a long request only keeps one socket.
// - connectionsCheckingInterval: how often Node looks for connections past those limits (default 30 s).
export const httpTimeouts = {
  headersTimeout: 20_000,
  requestTimeout: 60 * 60_000,
  connectionsCheckingInterval: 5_000,
};
