// t(lang, key, values): one dictionary per language, `{name}` placeholders filled in.
import type { Lang } from '../format.ts';
import { en } from './en.ts';
import { nb, type MessageKey } from './nb.ts';

export type { MessageKey };
export const dictionaries: Record<Lang, Record<MessageKey, string>> = { nb, en };

export function translate(lang: Lang, key: MessageKey, values: Record<string, string | number> = {}): string {
  const text = dictionaries[lang][key] ?? nb[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
