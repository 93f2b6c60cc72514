// t(lang, key, values): one dictionary per language, `{name}` placeholders filled in.
import type { Lang } from '../format.ts';
import type { DiagnosisGroup } from '../../../../contract/metrics.ts';
import { en } from './en.ts';
import { nb, type MessageKey } from './nb.ts';

export type { MessageKey };
export const dictionaries: Record<Lang, Record<MessageKey, string>> = { nb, en };

export function translate(lang: Lang, key: MessageKey, values: Record<string, string | number> = {}): string {
  const text = dictionaries[lang][key] ?? nb[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A diagnosis group's name; every group in the contract has one in each dictionary (checked by the type). */
export function groupName(group: DiagnosisGroup, lang: Lang): string {
  const key: `group.${DiagnosisGroup}` & MessageKey = `group.${group}`;
  return translate(lang, key);
}
