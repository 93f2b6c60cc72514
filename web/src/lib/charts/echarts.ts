// ECharts from echarts/core with only the chart kinds and components the dashboard draws, so the
// bundle stays small (the full `echarts` import is ~1 MB). Add a kind here before using it.
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  LineChart,
  BarChart,
  ScatterChart,
  HeatmapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  VisualMapComponent,
  AriaComponent,
  CanvasRenderer,
]);

export { echarts };
export type ChartOption = echarts.EChartsCoreOption;

/** Okabe–Ito: distinguishable with the common forms of colour blindness. Order = series order. */
export const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
/** Sequential ramp for heatmaps (light to dark blue: readable in greyscale print too). */
export const heatRamp = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];

export const baseOption = {
  color: palette,
  animation: false,
  textStyle: { fontFamily: 'system-ui, sans-serif' },
  aria: { enabled: true, decal: { show: false } },
} as const;
