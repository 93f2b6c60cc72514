// The workbench's strings come from the shared dictionaries (lib/i18n, keys "sql.*").
import type { Lang } from '../format.ts';
import { translate, type MessageKey } from '../i18n/index.ts';

export type SqlKey = Extract<MessageKey, `sql.${string}`>;
export type SqlText = (key: SqlKey, values?: Record<string, string | number>) => string;

export function sqlText(lang: Lang): SqlText {
  return (key, values) => translate(lang, key, values);
}
