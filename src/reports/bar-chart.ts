/** One category of a grouped bar chart (a bureau, a severity) with a value per series. */
export interface ChartCategory {
  label: string;
  values: Record<string, number>;
}

export interface ChartSeries {
  key: string;
  label: string;
  /** CSS class of the bars (colours live in the stylesheet, which print styles can override). */
  className: string;
}

/** Geometry only: the template draws it as inline SVG, so no markup is ever built from data here. */
export interface BarChartModel {
  title: string;
  width: number;
  height: number;
  labelWidth: number;
  series: Array<ChartSeries & { legendX: number }>;
  rows: Array<{
    label: string;
    y: number;
    textY: number;
    bars: Array<{
      className: string;
      x: number;
      y: number;
      width: number;
      height: number;
      value: number;
      textX: number;
      textY: number;
    }>;
  }>;
  axisY: number;
  empty: boolean;
}

const BAR = 14;
const GAP = 10;
const LABEL_WIDTH = 110;
const PLOT_WIDTH = 420;
const LEGEND = 28;

/**
 * Lays out a horizontal grouped bar chart: one group per category, one bar per series, lengths
 * proportional to the largest value. Pure arithmetic, so the figures are testable and the SVG has no
 * scripts, fonts or external assets.
 */
export function barChart(
  title: string,
  series: readonly ChartSeries[],
  categories: readonly ChartCategory[],
): BarChartModel {
  const max = Math.max(1, ...categories.flatMap((c) => series.map((s) => c.values[s.key] ?? 0)));
  const groupHeight = series.length * BAR + GAP;
  const rows = categories.map((category, index) => {
    const top = LEGEND + index * groupHeight;
    return {
      label: category.label,
      y: top,
      textY: top + (series.length * BAR) / 2 + 4,
      bars: series.map((s, k) => {
        const value = category.values[s.key] ?? 0;
        const width = Math.round((value / max) * PLOT_WIDTH);
        const y = top + k * BAR;
        return {
          className: s.className,
          x: LABEL_WIDTH,
          y,
          width,
          height: BAR - 2,
          value,
          textX: LABEL_WIDTH + width + 4,
          textY: y + BAR - 4,
        };
      }),
    };
  });
  const height = LEGEND + categories.length * groupHeight + 4;
  return {
    title,
    width: LABEL_WIDTH + PLOT_WIDTH + 60,
    height,
    labelWidth: LABEL_WIDTH,
    series: series.map((s, k) => ({ ...s, legendX: LABEL_WIDTH + k * 110 })),
    rows,
    axisY: height - 2,
    empty: categories.length === 0,
  };
}

/** The three outcome series of the compliance charts. */
export const OUTCOME_SERIES: readonly ChartSeries[] = [
  { key: 'met', label: 'Met', className: 'met' },
  { key: 'breached', label: 'Breached', className: 'breached' },
  { key: 'open', label: 'Open', className: 'open' },
];
