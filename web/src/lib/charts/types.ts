// What the chart components take: already-shaped points, so the charts know nothing of the API.
export interface SeriesPoint {
  period: string;
  /** null = no figure (suppressed or missing): drawn as a gap, never as zero. */
  value: number | null;
}
export interface Series {
  name: string;
  points: SeriesPoint[];
  /** Drawn dashed (e.g. the collaboration average beside the municipality). */
  dashed?: boolean;
}
