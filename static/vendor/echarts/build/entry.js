// The dashboard's ECharts: only what static/js/targets.js draws (bar and line by year with a
// target mark line, the league/city map with a continuous visual map, tooltips, legend, SVG).
// Rebuild with the commands in static/vendor/README.md; the output is
// ../echarts.dashboard.min.js, exposed as window.echarts as the full build was.
import * as echarts from "echarts/core";
import { BarChart, LineChart, MapChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  SVGRenderer,
]);

window.echarts = echarts;
