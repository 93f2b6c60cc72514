// Imported first by every entry point that serves requests. Each running DuckDB query holds a libuv
// worker thread; with Node's default pool of 4, a few heavy queries stall every dashboard query and
// every fs call (engineering notes). The pool size is read once, at the first async call, so this
// must run before anything else does I/O.
process.env.UV_THREADPOOL_SIZE ??= '16';
