// After any `npm install`: adds lock entries for optional platform packages (other OSes) whose versions this
// registry does not serve; without them `npm ci` refuses the lock ("Missing: …@ from lock file").
// Usage: npm ci 2>&1 | grep Missing > /tmp/missing.txt; node scripts/complete-lockfile.cjs package-lock.json /tmp/missing.txt
const fs = require('fs');
const [lockPath, missingPath] = process.argv.slice(2);
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const missing = fs.readFileSync(missingPath, 'utf8').split('\n').map(l => /Missing: (.+)@[^@]*from lock file/.exec(l)?.[1]).filter(Boolean);
function platform(name) {
  const n = name.split('/').pop();
  const os = ['darwin','linux','win32','android','freebsd','openbsd','openharmony','netbsd','sunos','aix','wasm32'].find(o => n.includes(o));
  const cpu = ['arm64','x64','ia32','arm','ppc64','riscv64','s390x','loong64','mips64el','wasi'].find(c => new RegExp(`(^|-)${c}($|-)`).test(n.replace(/^.*?(darwin|linux|win32|android|freebsd|openbsd|openharmony|netbsd|sunos|aix|wasm32)-/, '')));
  const r = {};
  if (os && os !== 'wasm32') r.os = [os];
  if (cpu && cpu !== 'wasi') r.cpu = [cpu];
  if (os === 'wasm32') r.cpu = ['wasm32'];
  if (/musl/.test(n)) r.libc = ['musl']; else if (os === 'linux' && /gnu/.test(n)) r.libc = ['glibc'];
  return r;
}
let added = 0;
for (const name of missing) {
  let spec = null;
  for (const [, p] of Object.entries(lock.packages)) if (p.optionalDependencies?.[name]) spec = p.optionalDependencies[name];
  if (!spec) { console.error('no spec for', name); continue; }
  const version = spec.replace(/^[~^=]/, '');
  lock.packages[`node_modules/${name}`] = { version, optional: true, ...platform(name) };
  added++;
}
const sorted = {}; for (const k of Object.keys(lock.packages).sort((a, b) => a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))) sorted[k] = lock.packages[k];
lock.packages = sorted;
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log('added', added);
