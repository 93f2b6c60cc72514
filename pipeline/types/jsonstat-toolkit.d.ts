// The part of jsonstat-toolkit (https://jsonstat.com/javascript-toolkit) the SSB import uses. Always pass
// a parsed object: given a string, the toolkit fetches it as a URL.
declare module 'jsonstat-toolkit' {
  export interface JsonStatCategory {
    index: number;
    label: string | null;
  }
  export interface JsonStatDimension {
    id: string[];
    label: string | null;
    length: number;
    role: string | null;
    Category(key: number | string): JsonStatCategory | null;
  }
  export interface JsonStatDataset {
    class: string | null;
    label: string | null;
    id: string[];
    size: number[];
    /** Product of the sizes. */
    n: number;
    length: number;
    value: (number | string | null)[];
    updated: string | null;
    role: Record<string, string[] | null> | null;
    extension: Record<string, unknown> | null;
    Dimension(key: number | string): JsonStatDimension | null;
  }
  export default function JSONstat(input: object): JsonStatDataset;
}
