// Each hospital's own data through (data-through.sql: hospital_source_data_through), for /api/health
// and the dashboard's warning when one hospital's extract lags the others. Read once per data version
// (the answer cache is keyed on it): it is a scan of every stay.
import type { SourceDataThrough } from '../../contract/types.ts';
import type { Warehouse } from '../../pipeline/db.ts';
import type { ApiRuntime } from '../runtime.ts';

/** One entry per hospital (behandlingssted), by name, with the date (YYYY-MM-DD, local Norwegian time)
 *  of its latest time stamp. Only the date: /api/health needs no login, and the exact minute of a small
 *  department's latest admission or discharge says more about one patient than a warning needs. */
export async function sourceDataThrough(warehouse: Warehouse): Promise<SourceDataThrough[]> {
  return warehouse.withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(`SELECT source, strftime(data_through, '%Y-%m-%d') AS through
      FROM hospital_source_data_through WHERE data_through IS NOT NULL ORDER BY source`);
    return reader.getRowObjects().map((row) => ({ source: String(row.source), dataThrough: String(row.through) }));
  });
}

export function cachedSourceDataThrough(runtime: ApiRuntime): Promise<SourceDataThrough[]> {
  return runtime.cache
    .get('sourceDataThrough', null, () => sourceDataThrough(runtime.services.warehouse))
    .then((result) => result.value);
}
