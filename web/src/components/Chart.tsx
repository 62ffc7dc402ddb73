/**
 * ECharts through echarts/core with only what the console draws registered (line and bar charts, grid, tooltip,
 * legend, data zoom; canvas renderer), so the bundle stays small. Tooltips render as rich text on the canvas: HTML
 * tooltips carry inline style attributes, which the console's CSP (src/api/console.ts) does not allow.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

export interface ChartProps {
  option: ChartOption;
  /** `data-chart` hook for tests. */
  name: string;
  height?: number;
  /** Accessible description of what the chart shows. */
  label: string;
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const option = props.option as { tooltip?: Record<string, unknown> };
    chart.current?.setOption({ ...props.option, tooltip: { ...(option.tooltip ?? {}), renderMode: 'richText' } }, { notMerge: true });
  }, [props.option]);

  return <div class="chart" ref={box} data-chart={props.name} role="img" aria-label={props.label} style={{ height: `${props.height ?? 320}px` }} />;
}
