// Download headers: media types and a Content-Disposition whose file name survives æøå.
// RFC 6266/5987: an ASCII fallback in filename="…" and the real name in filename*=UTF-8''<percent-encoded>.

export type SqlFormat = 'json' | 'csv' | 'arrow' | 'parquet';

export const mediaTypes: Record<SqlFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
};

const extensions: Record<SqlFormat, string> = { json: 'json', csv: 'csv', arrow: 'arrow', parquet: 'parquet' };

export function contentDisposition(baseName: string, format: SqlFormat): string {
  const name = `${cleanBaseName(baseName)}.${extensions[format]}`;
  const ascii = name
    .normalize('NFKD')
    .replace(/[æÆ]/g, (c) => (c === 'æ' ? 'ae' : 'AE'))
    .replace(/[øØ]/g, (c) => (c === 'ø' ? 'o' : 'O'))
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

function cleanBaseName(name: string): string {
  // No path separators or control characters; keep letters of any script.
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ').trim().slice(0, 120);
  return cleaned || 'resultat';
}

function encodeRfc5987(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
