// ECharts from echarts/core with only what is drawn (the full `echarts` import is ~1 MB). Here the
// parts every page uses (line charts on a grid, tooltip, legend, canvas); a chart component that
// needs more registers it itself (echarts.use in its module script), so those parts load only with
// the page that shows that chart — the overview stays small.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

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
} as const;
