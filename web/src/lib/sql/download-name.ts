// The download's file name from Content-Disposition: the UTF-8 name (filename*=UTF-8''…, keeps æøå)
// when given, else the ASCII fallback.

export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]!);
  const plain = /filename="([^"]+)"/i.exec(disposition);
  return plain ? plain[1]! : null;
}
